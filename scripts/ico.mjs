// Packs PNG images into a Windows .ico container (PNG-compressed entries, as Windows Vista and
// later read them) and reads one back. Used by scripts/make-icon.mjs and its test.

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Width and height from a PNG's IHDR chunk. */
export function pngSize(png) {
  if (png.length < 24 || !png.subarray(0, 8).equals(PNG_SIGNATURE) || png.toString('latin1', 12, 16) !== 'IHDR') {
    throw new Error('not a PNG image');
  }
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

/** @param {Buffer[]} pngs square PNGs of at most 256 px, any order */
export function packIco(pngs) {
  const images = pngs.map((png) => ({ png, ...pngSize(png) })).sort((a, b) => a.width - b.width);
  for (const i of images) {
    if (i.width !== i.height || i.width < 1 || i.width > 256) throw new Error(`icon images must be square, 1..256 px (got ${i.width}x${i.height})`);
  }
  const header = Buffer.alloc(6 + 16 * images.length);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type 1 = icon
  header.writeUInt16LE(images.length, 4);
  let offset = header.length;
  images.forEach((img, n) => {
    const e = 6 + 16 * n;
    header.writeUInt8(img.width === 256 ? 0 : img.width, e); // 0 means 256
    header.writeUInt8(img.height === 256 ? 0 : img.height, e + 1);
    header.writeUInt8(0, e + 2); // no palette
    header.writeUInt8(0, e + 3);
    header.writeUInt16LE(1, e + 4); // colour planes
    header.writeUInt16LE(32, e + 6); // bits per pixel
    header.writeUInt32LE(img.png.length, e + 8);
    header.writeUInt32LE(offset, e + 12);
    offset += img.png.length;
  });
  return Buffer.concat([header, ...images.map((i) => i.png)]);
}

/** Entries of an .ico: directory sizes plus each embedded image. */
export function readIco(buf) {
  if (buf.length < 6 || buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error('not an .ico file');
  const count = buf.readUInt16LE(4);
  const entries = [];
  for (let n = 0; n < count; n++) {
    const e = 6 + 16 * n;
    const size = buf.readUInt32LE(e + 8);
    const offset = buf.readUInt32LE(e + 12);
    if (offset + size > buf.length) throw new Error(`entry ${n} runs past the end of the file`);
    entries.push({
      width: buf.readUInt8(e) || 256,
      height: buf.readUInt8(e + 1) || 256,
      bitCount: buf.readUInt16LE(e + 6),
      data: buf.subarray(offset, offset + size),
    });
  }
  return entries;
}
