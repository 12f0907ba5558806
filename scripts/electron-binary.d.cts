export declare function locateElectron(opts?: {
  electronDir?: string;
  env?: Record<string, string | undefined>;
  platform?: string;
  exists?: (p: string) => boolean;
  readText?: (p: string) => string | null;
}): { found: boolean; path: string };
