import { type ReactNode, useId, useState } from 'react';
import { ApiError, type ProblemMessages } from '../api/problem';

/** The error state of a form: a summary and messages per field, from problem+json or from the form itself. */
export type FormErrors = ProblemMessages | null;

export function errorsOf(error: unknown): ProblemMessages {
  if (error instanceof ApiError) return error.messages;
  return { summary: error instanceof Error ? error.message : String(error), fields: {} };
}

/** Runs a submit handler with a busy flag and problem+json errors, the way every form here does. */
export function useSubmit<T>(action: () => Promise<T>) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FormErrors>(null);
  const submit = async (event?: { preventDefault(): void }) => {
    event?.preventDefault();
    setBusy(true);
    setErrors(null);
    try {
      return await action();
    } catch (error) {
      setErrors(errorsOf(error));
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, setErrors, submit };
}

/** The form's summary, announced by screen readers as soon as it appears. */
export function ErrorSummary({ errors }: { errors: FormErrors }) {
  return (
    <div role="alert" aria-live="assertive" className="error-summary">
      {errors ? (
        <>
          <p>{errors.summary}</p>
          {errors.fields[''] ? <p>{errors.fields[''].join(' ')}</p> : null}
        </>
      ) : null}
    </div>
  );
}

interface FieldProps {
  label: string;
  name: string;
  errors: FormErrors;
  hint?: string;
  children: (props: { id: string; name: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}

/** A labelled control with its hint and its own error messages (errors[].pointer of the problem). */
export function Field({ label, name, errors, hint, children }: FieldProps) {
  const id = useId();
  const messages = errors?.fields[name] ?? [];
  const describedBy = [hint ? `${id}-hint` : '', messages.length ? `${id}-error` : ''].filter(Boolean).join(' ');
  return (
    <div className={messages.length ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {hint ? <span id={`${id}-hint`} className="hint">{hint}</span> : null}
      {children({ id, name, 'aria-invalid': messages.length > 0, ...(describedBy ? { 'aria-describedby': describedBy } : {}) })}
      {messages.length ? <span id={`${id}-error`} className="field-error">{messages.join(' ')}</span> : null}
    </div>
  );
}

/** A progress bar with its text, announced politely as it moves. */
export function Progress({ label, value }: { label: string; value: number }) {
  const id = useId();
  const percent = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="progress">
      <label htmlFor={id}>{label}</label>
      <progress id={id} max={100} value={percent}>{percent} %</progress>
      <span aria-live="polite">{percent} %</span>
    </div>
  );
}
