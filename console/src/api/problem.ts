import type { auth } from '@contracts';

/** RFC 9457 problem details as every service and the gateway answer them (contracts/schemas/problem.schema.json). */
export type Problem = Omit<auth.components['schemas']['Problem'], '$defs'>;
export type FieldError = auth.components['schemas']['FieldError'];

/** What a form shows: one summary line, and the messages per field (keyed by the field's path in the body). */
export interface ProblemMessages {
  summary: string;
  fields: Record<string, string[]>;
}

/** An answer that was not 2xx, with its problem when the body was problem+json. */
export class ApiError extends Error {
  readonly status: number;
  readonly problem: Problem | null;

  constructor(status: number, problem: Problem | null, fallback: string) {
    super(problem ? problemMessages(problem).summary : fallback);
    this.name = 'ApiError';
    this.status = status;
    this.problem = problem;
  }

  get messages(): ProblemMessages {
    return this.problem ? problemMessages(this.problem) : { summary: this.message, fields: {} };
  }
}

/** A value parsed from a response body, if it has the problem shape (type, title and a numeric status). */
export function asProblem(body: unknown): Problem | null {
  if (typeof body !== 'object' || body === null) return null;
  const candidate = body as Record<string, unknown>;
  if (typeof candidate.title !== 'string' || typeof candidate.status !== 'number') return null;
  const errors = Array.isArray(candidate.errors)
    ? candidate.errors.filter(
        (e): e is FieldError =>
          typeof e === 'object' && e !== null && typeof e.pointer === 'string' && typeof e.message === 'string',
      )
    : undefined;
  return {
    type: typeof candidate.type === 'string' ? candidate.type : 'about:blank',
    title: candidate.title,
    status: candidate.status,
    ...(typeof candidate.detail === 'string' ? { detail: candidate.detail } : {}),
    ...(typeof candidate.instance === 'string' ? { instance: candidate.instance } : {}),
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/**
 * The field a JSON Pointer names, as the console's forms key their inputs: `/body/email` → `email`,
 * `/body/items/3/weight_kg` → `items/3/weight_kg`, `/query/page` → `page`. RFC 6901 escapes are undone.
 */
export function fieldOfPointer(pointer: string): string {
  const segments = pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  const [location, ...rest] = segments;
  const inRequest = ['body', 'query', 'path', 'header'].includes(location ?? '');
  const path = inRequest ? rest : segments;
  return path.length > 0 ? path.join('/') : '';
}

/** The messages a form shows for a problem: `detail` (else `title`) as the summary, `errors[]` per field. */
export function problemMessages(problem: Problem): ProblemMessages {
  const fields: Record<string, string[]> = {};
  for (const error of problem.errors ?? []) {
    const field = fieldOfPointer(error.pointer);
    (fields[field] ??= []).push(error.message);
  }
  const summary = problem.detail?.trim() || problem.title;
  return { summary, fields };
}
