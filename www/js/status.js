// What the page tells the person: errors (role=alert), the result line,
// announcements for screen readers, and a "working…" sign for anything that
// takes longer than a moment.

const SHOW_BUSY_AFTER_MS = 150;

export function createStatus({ alert, alertText, alertClose, busyRegion, spinner, line, announcer }) {
  let busySeq = 0;
  let timer = 0;

  alertClose.addEventListener('click', () => clearError());

  function error(message) {
    alertText.textContent = message;
    alertClose.hidden = false;
    alert.classList.add('is-shown');
  }

  /** Clears the alert (with `only`: if it still says `only`). */
  function clearError(only) {
    if (only !== undefined && alertText.textContent !== only) return;
    alertText.textContent = '';
    alertClose.hidden = true;
    alert.classList.remove('is-shown');
  }

  /** Marks work `seq` as started; only the newest counts. */
  function busy(seq) {
    busySeq = seq;
    busyRegion.setAttribute('aria-busy', 'true');
    clearTimeout(timer);
    timer = setTimeout(() => {
      spinner.hidden = false;
    }, SHOW_BUSY_AFTER_MS);
  }

  /** Marks work `seq` as finished. */
  function done(seq) {
    if (seq !== busySeq) return;
    clearTimeout(timer);
    spinner.hidden = true;
    busyRegion.setAttribute('aria-busy', 'false');
  }

  return {
    error,
    clearError,
    busy,
    done,
    /** The result line; `timings` (ms) go in a data attribute for the curious and for tests. */
    line: (text, timings = {}) => {
      line.textContent = text;
      line.dataset.timings = JSON.stringify(timings, (_, v) => (typeof v === 'number' ? Math.round(v) : v));
    },
    announce: (text) => {
      // The same words twice in a row are still announced.
      announcer.textContent = announcer.textContent === text ? `${text}\u00a0` : text;
    },
  };
}
