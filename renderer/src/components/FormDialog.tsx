// A modal form in the app's one shape: the fields, the engine's error when the submit fails, then Cancel and
// one primary action. A failed submit keeps the dialog open with what the user typed, so nothing is lost.
import { useState, type FormEvent, type ReactNode } from 'react';
import { ErrorNote } from './ErrorNote';
import { ModalDialog } from './ModalDialog';

export function FormDialog(props: {
  title: string;
  submitLabel: string;
  onClose: () => void;
  /** Does the work; closing or navigating on success is the caller's, a thrown error is shown in place. */
  onSubmit: () => Promise<void>;
  className?: string;
  children: ReactNode;
}) {
  const [error, setError] = useState<string>();
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      await props.onSubmit();
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <ModalDialog title={props.title} onClose={props.onClose}>
      <form onSubmit={submit} className={props.className}>
        {props.children}
        <ErrorNote error={error} />
        <div className="dialog-actions">
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary">
            {props.submitLabel}
          </button>
        </div>
      </form>
    </ModalDialog>
  );
}
