// The download buttons, one a format of the engine's defaults().formats
// (label: its `label`, its `hint` as a title; file: the image's base name + its `fileSuffix`; type:
// its `mime`), and saving the files the page made.

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

/**
 * Builds the buttons in `container`, disabled until `enable()`.
 * @param {HTMLElement} container
 * @param {object[]} formats  defaults().formats
 * @param {(format: object, button: HTMLButtonElement) => void} onPick
 */
export function createDownloads(container, formats, onPick) {
  const buttons = formats.map((format) => {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = format.image ? 'button is-image' : 'button';
    button.dataset.download = format.name;
    button.textContent = format.label;
    button.title = format.hint;
    button.disabled = true;
    button.addEventListener('click', () => onPick(format, button));
    return button;
  });
  container.replaceChildren(...buttons);
  return {
    enable() {
      for (const b of buttons) if (!b.classList.contains('is-working')) b.disabled = false;
    },
  };
}

/** The file name of `format` for the image `imageName`. */
export function fileNameFor(imageName, format) {
  return baseName(imageName) + format.fileSuffix;
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
