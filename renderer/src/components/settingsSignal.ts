// Tells parts of the window that show a setting (the status bar's approvals item) that the user just changed one;
// the engine has no settings event, and only this window's Settings view changes them.
const target = new EventTarget();

export function announceSettingsChanged(): void {
  target.dispatchEvent(new Event('changed'));
}

export function onSettingsChanged(listener: () => void): () => void {
  target.addEventListener('changed', listener);
  return () => target.removeEventListener('changed', listener);
}
