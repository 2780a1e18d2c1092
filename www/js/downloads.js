// Saving files the page made, with names derived from the image's name.

/** `Still Life (1).JPG` → `still-life-1`. */
export function baseName(fileName) {
  const stem = String(fileName || 'image').replace(/\.[^.]*$/, '');
  const clean = stem
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .toLowerCase();
  return clean || 'image';
}

/** What each export is called and its MIME type. */
export const FORMATS = {
  png: { suffix: '-palette.png', type: 'image/png' },
  json: { suffix: '-palette.json', type: 'application/json' },
  css: { suffix: '-palette.css', type: 'text/css' },
  gpl: { suffix: '-palette.gpl', type: 'text/plain' },
  svg: { suffix: '-palette.svg', type: 'image/svg+xml' },
};

export function fileNameFor(imageName, format) {
  return baseName(imageName) + FORMATS[format].suffix;
}

/** Offers `blob` as a download named `name`. */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.className = 'offscreen';
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start reading it.
  setTimeout(() => URL.revokeObjectURL(url), 30_000);
}

export function textBlob(text, format) {
  return new Blob([text], { type: `${FORMATS[format].type};charset=utf-8` });
}
