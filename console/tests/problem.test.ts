import { describe, expect, it } from 'vitest';
import { unwrap } from '../src/api/client';
import { ApiError, asProblem, fieldOfPointer, problemMessages } from '../src/api/problem';

const validation = {
  type: '/problems/validation-error',
  title: 'Invalid request',
  status: 400,
  detail: 'The request has 2 invalid values.',
  instance: '/api/auth/register',
  errors: [
    { pointer: '/body/email', message: 'must be a well-formed email address' },
    { pointer: '/body/password', message: 'must be at least 12 characters' },
    { pointer: '/body/password', message: 'is too common' },
  ],
};

describe('problem+json to messages', () => {
  it('uses detail as the summary and groups errors per field', () => {
    expect(problemMessages(validation)).toEqual({
      summary: 'The request has 2 invalid values.',
      fields: {
        email: ['must be a well-formed email address'],
        password: ['must be at least 12 characters', 'is too common'],
      },
    });
  });

  it('falls back to the title when there is no detail', () => {
    expect(problemMessages({ type: 'about:blank', title: 'Too Many Requests', status: 429 }).summary).toBe('Too Many Requests');
  });

  it.each([
    ['/body/email', 'email'],
    ['/body/items/3/weight_kg', 'items/3/weight_kg'],
    ['/body/parameters/period_start', 'parameters/period_start'],
    ['/query/page', 'page'],
    ['/path/id', 'id'],
    ['/body', ''],
    ['/body/a~1b/c~0d', 'a/b/c~d'],
  ])('names the field of pointer %s as "%s"', (pointer, field) => {
    expect(fieldOfPointer(pointer)).toBe(field);
  });

  it('recognises only bodies of the problem shape and drops malformed field errors', () => {
    expect(asProblem({ message: 'nope' })).toBeNull();
    expect(asProblem('text')).toBeNull();
    const parsed = asProblem({ title: 'Bad', status: 400, errors: [{ pointer: '/body/x', message: 'm' }, { pointer: 3 }] });
    expect(parsed).toEqual({ type: 'about:blank', title: 'Bad', status: 400, errors: [{ pointer: '/body/x', message: 'm' }] });
  });

  // openapi-fetch hands over the parsed body of a failed answer as `error`; unwrap() turns it into an ApiError.
  it('reads a failed answer into an ApiError with the problem', () => {
    const response = new Response(null, { status: 400 });
    const error = errorOf(() => unwrap({ error: validation, response }));
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(400);
    expect(error.message).toBe('The request has 2 invalid values.');
    expect(error.messages.fields.email).toEqual(['must be a well-formed email address']);
  });

  it('gives a clear message for a failure without a problem body', () => {
    const response = new Response(null, { status: 502, statusText: 'Bad Gateway' });
    const error = errorOf(() => unwrap({ error: '<html>bad gateway</html>', response }));
    expect(error.problem).toBeNull();
    expect(error.message).toBe('The request failed: 502 Bad Gateway');
    expect(error.messages).toEqual({ summary: 'The request failed: 502 Bad Gateway', fields: {} });
  });
});

function errorOf(call: () => unknown): ApiError {
  try {
    call();
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('no ApiError thrown');
}
