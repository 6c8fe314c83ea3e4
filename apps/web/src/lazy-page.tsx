/**
 * Route-level code splitting: each signed-in page is its own chunk, loaded when the page is first opened, so the
 * sign-in page (and the first paint of any page) does not wait for the forecast, map, voter or developer-portal code.
 * The service worker precaches every chunk, so pages still open offline once the console is installed.
 */
import {
  Component,
  Suspense,
  isValidElement,
  lazy,
  type ComponentType,
  type LazyExoticComponent,
  type ReactNode,
} from 'react';
import { LoadError, Loading } from './components/layout';

export type LazyPage<C extends ComponentType<any>> = LazyExoticComponent<C> & {
  /** Start loading the page's chunk now (idempotent); a failed load is tried again by the next call. */
  preload(): Promise<unknown>;
};

/** `lazyPage(() => import('./pages/X'), 'XPage')`: the module's named export, loaded on first render or preload. */
export function lazyPage<M extends Record<K, ComponentType<any>>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): LazyPage<M[K]> {
  let loading: Promise<M> | undefined;
  const preload = () =>
    (loading ??= load().catch((e: unknown) => {
      loading = undefined;
      throw e;
    }));
  return Object.assign(
    lazy(() => preload().then((m) => ({ default: m[name] }))),
    { preload },
  );
}

/**
 * Start loading the chunk of the page an element renders (when it is a lazy page), without rendering anything: the
 * console asks for the page's code while it is still asking the server who is signed in.
 */
export function preloadPage(node: ReactNode): void {
  if (isValidElement(node) && typeof node.type === 'object' && node.type && 'preload' in node.type) {
    void (node.type as LazyPage<ComponentType>).preload().catch(() => {
      /* shown by PageBoundary when the page renders */
    });
  }
}

/**
 * Where a lazy page renders: a loading state while its chunk arrives, and a way out if it cannot be loaded (or the
 * page fails to render). `resetKey` (the path) clears the error when the person goes elsewhere.
 */
export function PageBoundary({ resetKey, children }: { resetKey: string; children: ReactNode }) {
  return (
    <ChunkErrorBoundary resetKey={resetKey}>
      <Suspense fallback={<Loading />}>{children}</Suspense>
    </ChunkErrorBoundary>
  );
}

/** How browsers report a module script (a chunk) that could not be fetched. */
const CHUNK_FAILED = /dynamically imported module|module script failed|error loading dynamically/i;

interface BoundaryProps {
  resetKey: string;
  children: ReactNode;
}
interface BoundaryState {
  error: unknown;
  resetKey: string;
}

class ChunkErrorBoundary extends Component<BoundaryProps, BoundaryState> {
  override state: BoundaryState = { error: null, resetKey: this.props.resetKey };

  static getDerivedStateFromError(error: unknown): Partial<BoundaryState> {
    return { error: error ?? new Error('unknown error') };
  }

  static getDerivedStateFromProps(props: BoundaryProps, state: BoundaryState): Partial<BoundaryState> | null {
    return props.resetKey === state.resetKey ? null : { error: null, resetKey: props.resetKey };
  }

  override render() {
    const { error } = this.state;
    if (error === null) return this.props.children;
    // A chunk that cannot be fetched: offline before the console was installed, or replaced by a newer deployment.
    const chunk = error instanceof Error && CHUNK_FAILED.test(error.message);
    return (
      <LoadError
        error={chunk ? new Error('This page could not be loaded. Check your connection, then reload the page.') : error}
        onRetry={() => window.location.reload()}
      />
    );
  }
}
