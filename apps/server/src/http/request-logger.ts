/**
 * Each request's logger (`req.log`), made into a pino child only when the request logs something at an enabled
 * level. Fastify's default makes the child on every request: the bindings serialized to a string and a logger object
 * set up, a few hundred bytes that live as long as the request, on every request, although almost every request
 * logs nothing (the server logs at `info` and above, and requests do not log their start and end through it). With
 * 100 requests in flight that is part of what every young-generation collection has to copy.
 */
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions, Level } from 'pino';

type Parent = FastifyBaseLogger & { isLevelEnabled(level: string): boolean };

class RequestLogger {
  #child: FastifyBaseLogger | undefined;
  constructor(
    private readonly parent: Parent,
    private readonly bindings: Bindings,
  ) {}

  private get real(): FastifyBaseLogger {
    return (this.#child ??= this.parent.child(this.bindings));
  }

  get level(): string {
    return this.#child?.level ?? this.parent.level;
  }
  set level(level: string) {
    this.real.level = level;
  }

  private write(level: Level, args: unknown[]): void {
    if (this.#child ? (this.#child as Parent).isLevelEnabled(level) : this.parent.isLevelEnabled(level))
      (this.real[level] as (...a: unknown[]) => void)(...args);
  }

  fatal(...args: unknown[]): void {
    this.write('fatal', args);
  }
  error(...args: unknown[]): void {
    this.write('error', args);
  }
  warn(...args: unknown[]): void {
    this.write('warn', args);
  }
  info(...args: unknown[]): void {
    this.write('info', args);
  }
  debug(...args: unknown[]): void {
    this.write('debug', args);
  }
  trace(...args: unknown[]): void {
    this.write('trace', args);
  }
  silent(): void {}

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.real.child(bindings, options);
  }
}

/** Fastify's `childLoggerFactory`: a route with a log level of its own gets its child at once, as before. */
export const requestLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = (
  logger,
  bindings,
  options,
) =>
  options.level
    ? logger.child(bindings, options)
    : (new RequestLogger(logger as Parent, bindings) as unknown as FastifyBaseLogger);
