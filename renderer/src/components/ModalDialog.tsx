// A modal built on the native <dialog>: focus is trapped and restored by the browser, Escape closes it; and the one
// Close row of a dialog that only shows something.
import { useEffect, useRef, type ReactNode } from 'react';

export function ModalDialog(props: { title: string; onClose: () => void; children: ReactNode }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (!dialog.open) dialog.showModal();
    return () => dialog.close();
  }, []);
  return (
    <dialog
      ref={ref}
      className="modal"
      aria-label={props.title}
      onCancel={(e) => {
        e.preventDefault();
        props.onClose();
      }}
    >
      <h2>{props.title}</h2>
      {props.children}
    </dialog>
  );
}

/** The action row of a dialog with nothing to confirm: one Close button. */
export function CloseActions(props: { onClose: () => void }) {
  return (
    <div className="dialog-actions">
      <button type="button" onClick={props.onClose}>
        Close
      </button>
    </div>
  );
}
