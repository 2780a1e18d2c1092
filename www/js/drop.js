// Every way an image gets in: drop anywhere on the page, the file picker,
// and paste from the clipboard. Hands over a list of Files.

/**
 * @param {object} o
 * @param {HTMLInputElement} o.input     the <input type=file>
 * @param {HTMLElement} o.overlay        shown while files are dragged over the page
 * @param {(files: File[]) => void} o.onFiles
 */
export function listenForImages({ input, overlay, onFiles }) {
  input.addEventListener('change', () => {
    const files = [...input.files];
    // Clear it, so choosing the same file again is still a change.
    input.value = '';
    if (files.length) onFiles(files);
  });

  let depth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes('Files');
  const hide = () => {
    depth = 0;
    overlay.hidden = true;
  };

  document.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    overlay.hidden = false;
  });
  document.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  });
  document.addEventListener('dragleave', (event) => {
    if (!hasFiles(event)) return;
    depth -= 1;
    if (depth <= 0) hide();
  });
  document.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    hide();
    const files = [...event.dataTransfer.files];
    if (files.length) onFiles(files);
  });

  document.addEventListener('paste', (event) => {
    const target = event.target;
    // Pasting text into a field stays a text paste.
    if (target instanceof HTMLInputElement && target.type !== 'file' && target.type !== 'range') return;
    const files = [...(event.clipboardData?.items || [])]
      .filter((item) => item.kind === 'file')
      .map((item) => item.getAsFile())
      .filter(Boolean)
      .map((file, i) => (file.name && file.name !== 'image.png' ? file : renamed(file, i)));
    if (!files.length) return;
    event.preventDefault();
    onFiles(files);
  });
}

/** Pasted images come without a useful name. */
function renamed(file, i) {
  const ext = (file.type.split('/')[1] || 'png').replace('jpeg', 'jpg');
  const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, '-');
  return new File([file], `pasted-${stamp}${i ? `-${i + 1}` : ''}.${ext}`, { type: file.type });
}
