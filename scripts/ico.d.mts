export function pngSize(png: Buffer): { width: number; height: number };
export function packIco(pngs: Buffer[]): Buffer;
export function readIco(buf: Buffer): { width: number; height: number; bitCount: number; data: Buffer }[];
