//! Printing a slip or a report from the screen with the system's print dialog: a copy of the
//! element goes into `#print-root` and only that is printed (app.css, `@media print`), so a
//! report inside a scrolling screen or a dialog prints whole, on white, without the app around
//! it. The copy keeps the component's classes, so its own (scoped) styles still apply.

const ROOT_ID = 'print-root';

export function printElement(element: HTMLElement): void {
  document.getElementById(ROOT_ID)?.remove();
  const root = document.createElement('div');
  root.id = ROOT_ID;
  root.appendChild(element.cloneNode(true));
  document.body.appendChild(root);
  document.body.classList.add('printing');
  const done = () => {
    window.removeEventListener('afterprint', done);
    root.remove();
    document.body.classList.remove('printing');
  };
  window.addEventListener('afterprint', done);
  window.print();
}
