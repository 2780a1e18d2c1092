// A PNG made by the browser's canvas encoder, tagged sRGB: the canvas holds
// sRGB pixels (the engine converted the file's colors), and a viewer that
// color-manages then shows them as on the page. An sRGB chunk (rendering
// intent 0, perceptual) goes right after IHDR unless the file already says
// what its colors are (sRGB, iCCP or cICP).

// The chunk: length 1, "sRGB", intent 0, and its CRC-32 over "sRGB\0".
const SRGB_CHUNK = new Uint8Array([0, 0, 0, 1, 0x73, 0x52, 0x47, 0x42, 0, 0xae, 0xce, 0x1c, 0xe9]);
const IHDR_END = 8 + 8 + 13 + 4;

/** `blob` with an sRGB chunk, when it is a PNG without color information. */
export async function tagSrgb(blob) {
  if (blob.type !== 'image/png') return blob;
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const type = (at) => String.fromCharCode(...bytes.subarray(at + 4, at + 8));
  if (bytes.length < IHDR_END || type(8) !== 'IHDR') return blob;
  // The chunks before the image data: any color information already there?
  for (let at = 8; at + 8 <= bytes.length; ) {
    const t = type(at);
    if (t === 'IDAT' || t === 'IEND') break;
    if (t === 'sRGB' || t === 'iCCP' || t === 'cICP') return blob;
    const length = ((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]) >>> 0;
    at += 12 + length;
  }
  return new Blob([bytes.subarray(0, IHDR_END), SRGB_CHUNK, bytes.subarray(IHDR_END)], { type: 'image/png' });
}
