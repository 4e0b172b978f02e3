// The one script of reader pages, inline under the page's CSP nonce: the theme switch and
// the submit buttons' progress. Both work without it, as plain form posts.
(() => {
  const root = document.documentElement;

  // The theme switch posts the choice to /theme. Here it switches at once instead, setting
  // the cookie the server would; and where no choice is stored it shows the system's.
  const themeForm = document.querySelector('form.theme-switch');
  if (themeForm) {
    const button = themeForm.querySelector('button');
    const input = themeForm.querySelector('input[name="theme"]');
    const isDark = () =>
      root.dataset.theme
        ? root.dataset.theme === 'dark'
        : matchMedia('(prefers-color-scheme: dark)').matches;
    const show = () => {
      const dark = isDark();
      button.setAttribute('aria-pressed', String(dark));
      input.value = dark ? 'light' : 'dark';
    };
    show();
    themeForm.addEventListener('submit', (event) => {
      event.preventDefault();
      root.dataset.theme = input.value;
      const secure = location.protocol === 'https:' ? '; secure' : '';
      document.cookie = `quire_theme=${input.value}; path=/; max-age=31536000; samesite=lax${secure}`;
      show();
    });
  }

  // A posted form's button is disabled and says so until the next page arrives, and a
  // second submit of that form is dropped. GET forms (search) and forms a script handles
  // itself (it cancels the post: the editor's image upload) are left alone.
  addEventListener('submit', (event) => {
    const form = event.target;
    if (event.defaultPrevented || !(form instanceof HTMLFormElement) || form.method !== 'post') {
      return;
    }
    if (form.dataset.busy) {
      event.preventDefault();
      return;
    }
    form.dataset.busy = 'yes';
    const button = event.submitter || form.querySelector('[type="submit"]');
    // After the event: a button disabled during it would be left out of what is sent, and a
    // handler on the window registered after this one (the islands') may still cancel it.
    setTimeout(() => {
      if (event.defaultPrevented) {
        delete form.dataset.busy;
        return;
      }
      if (!button) return;
      button.disabled = true;
      button.setAttribute('aria-busy', 'true');
      const actions = button.closest('.form-actions');
      if (actions && !actions.querySelector('.progress')) {
        const status = document.createElement('span');
        status.className = 'progress';
        status.setAttribute('role', 'status');
        status.textContent = 'Working…';
        actions.append(status);
      }
    });
  });
  // Back to a page kept in the browser's history cache: its forms are ready again.
  addEventListener('pageshow', (event) => {
    if (!event.persisted) return;
    for (const form of document.querySelectorAll('form[data-busy]')) delete form.dataset.busy;
    for (const button of document.querySelectorAll('button[aria-busy="true"]')) {
      button.disabled = false;
      button.setAttribute('aria-busy', 'false');
    }
    for (const status of document.querySelectorAll('.form-actions .progress')) status.remove();
  });

  root.dataset.enhanced = '';
})();
