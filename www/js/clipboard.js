// Copying a short text, with fallbacks for pages where the Clipboard API is
// missing or refused (an insecure origin, a denied permission).

/**
 * Copies `text`. Returns 'copied', or 'selected' when it could only select
 * `element`'s text for the person to copy by hand.
 */
export async function copyText(text, element) {
  try {
    if (navigator.clipboard && window.isSecureContext) {
      await navigator.clipboard.writeText(text);
      return 'copied';
    }
  } catch {
    // Fall through to the older way.
  }
  if (legacyCopy(text)) return 'copied';
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  return 'selected';
}

function legacyCopy(text) {
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.className = 'offscreen';
  document.body.append(area);
  const active = document.activeElement;
  area.select();
  let ok = false;
  try {
    ok = document.execCommand('copy');
  } catch {
    ok = false;
  }
  area.remove();
  if (active instanceof HTMLElement) active.focus();
  return ok;
}
