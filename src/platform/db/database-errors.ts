import { DomainError } from '../errors.ts';

const SQLSTATE = /^[0-9A-Z]{5}$/;

/** The SQLSTATE of a PostgreSQL/PGlite error, looking through Drizzle's wrapper (`cause`); undefined otherwise. */
export function sqlStateOf(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && SQLSTATE.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * The last line of defence for input the validators let through: database errors that can only come from the
 * request's data become 4xx. The database's own message never reaches the client (it can quote other rows).
 * Everything else (connection loss, deadlocks, bugs in our SQL) stays a 500.
 */
export function domainErrorForDatabase(error: unknown): DomainError | undefined {
  const state = sqlStateOf(error);
  if (!state) return undefined;
  switch (state) {
    case '23505': // unique_violation
      return new DomainError('conflict', 'Something with the same unique value already exists');
    case '23503': // foreign_key_violation
      return new DomainError('validation_failed', 'The request refers to something that does not exist');
    case '23502': // not_null_violation
    case '23514': // check_violation
      return new DomainError('validation_failed', 'A value in the request is not allowed for its field');
    case '54000': // program_limit_exceeded (e.g. an index row or tsvector too large)
      return new DomainError('validation_failed', 'A value in the request is too large to store');
  }
  // Class 22, data exception: invalid text representation (22P02), invalid byte sequence (22021),
  // numeric out of range (22003), string too long (22001), datetime out of range (22008), ...
  if (state.startsWith('22')) {
    return new DomainError('validation_failed', 'A value in the request is not valid for its field');
  }
  return undefined;
}
