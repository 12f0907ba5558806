export interface ElectronegativityIssue {
  id: string;
  file: string;
  description: string;
  location: { line: number; column: number };
  severity: { name: string; value: number };
  confidence: { name: string; value: number };
}
export const ACCEPTED: Record<string, string>;
export function classify(issues: ElectronegativityIssue[]): { accepted: ElectronegativityIssue[]; real: ElectronegativityIssue[] };
export function scan(input: string): Promise<{
  globalChecks: number;
  atomicChecks: number;
  errors: { file: string; message: string; tolerable: boolean }[];
  issues: ElectronegativityIssue[];
}>;
