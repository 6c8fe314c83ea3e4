/**
 * The console: loads the session (`GET /api/v1/me`), routes between the public pages and the signed-in
 * shell, and owns the session state every page reads through `useSession()`.
 */
import type { Me } from '@akashic/contracts';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, currentApiOrg, errorMessage, setApiOrg, setUnauthenticatedHandler } from './api';
import { useLiveConnection } from './hooks';
import { useFeedback } from './components/feedback';
import { Loading, Logo } from './components/layout';
import { Shell, SkipLink } from './components/Shell';
import { lazyPage, PageBoundary, preloadPage } from './lazy-page';
import { ForgotPasswordPage, ResetPasswordPage, SignInPage, SignUpPage } from './pages/auth';
import { CAMPAIGNS_PATH } from './pages/campaigns/labels';
import { DEVELOPERS_PATH } from './pages/developers/paths';
import { MODULES, ModulePage, OverviewPage } from './pages/modules';
import { CreateOrgPage, NoOrgPage, NotFoundPage, SettingsPage } from './pages/Organization';
import { unsubscribeThisDevice } from './push';
import { clearUserData } from './pwa';
import { stopSync } from './sync/status';
import { navigate, useLocation } from './router';
import { SessionContext, currentOrg, type SessionValue } from './session';

// Every other page is a chunk of its own (lazy-page.tsx); the public pages, the overview and the organization pages
// are small and stay in the entry chunk.
const AcceptInvitePage = lazyPage(() => import('./pages/AcceptInvite'), 'AcceptInvitePage');
const AuditPage = lazyPage(() => import('./pages/Audit'), 'AuditPage');
const DevelopersPage = lazyPage(() => import('./pages/developers/DevelopersPage'), 'DevelopersPage');
const CampaignDetailPage = lazyPage(() => import('./pages/campaigns/CampaignDetail'), 'CampaignDetailPage');
const CampaignsPage = lazyPage(() => import('./pages/campaigns/CampaignsPage'), 'CampaignsPage');
const NewCampaignPage = lazyPage(() => import('./pages/campaigns/CampaignsPage'), 'NewCampaignPage');
const MessageEditorPage = lazyPage(() => import('./pages/campaigns/messages/MessageEditor'), 'MessageEditorPage');
const VotersPage = lazyPage(() => import('./pages/campaigns/voters/VotersPage'), 'VotersPage');
const EventPage = lazyPage(() => import('./pages/campaigns/field/EventsPage'), 'EventPage');
const EventsPage = lazyPage(() => import('./pages/campaigns/field/EventsPage'), 'EventsPage');
const TurfsPage = lazyPage(() => import('./pages/campaigns/field/TurfsPage'), 'TurfsPage');
const CanvassPage = lazyPage(() => import('./pages/campaigns/field/CanvassPage'), 'CanvassPage');
const ForecastsPage = lazyPage(() => import('./pages/forecasts/ForecastsPage'), 'ForecastsPage');
const IntelligencePage = lazyPage(() => import('./pages/intelligence/IntelligencePage'), 'IntelligencePage');
const MembersPage = lazyPage(() => import('./pages/Members'), 'MembersPage');
const NotificationsPage = lazyPage(() => import('./pages/Notifications'), 'NotificationsPage');
const PasskeysPage = lazyPage(() => import('./pages/Passkeys'), 'PasskeysPage');
const TokensPage = lazyPage(() => import('./pages/Tokens'), 'TokensPage');

/**
 * The page this visit opens on is fetched while the session is still loading (a signed-out visitor is sent to the
 * sign-in page instead, which is in the entry chunk).
 */
function preloadOpeningPage() {
  const opening = window.location.pathname.replace(/(.)\/+$/, '$1');
  if (opening === '/accept-invite') void AcceptInvitePage.preload().catch(() => {});
  else preloadPage(Page({ path: opening, hasOrg: true }));
}
preloadOpeningPage();

/**
 * Who is signed in, asked as soon as the console's code runs rather than after its first render, so the answer is
 * not one more step in the chain before the page can show anything. The App's first session load takes it.
 */
let openingSession: Promise<Me> | null = api.get<Me>('/api/v1/me', { session: false });
// Handled there; until then a failure (offline, signed out) must not count as an unhandled rejection.
openingSession.catch(() => {});

type Boot = { state: 'loading' } | { state: 'failed'; error: unknown } | { state: 'ready' };

/** Pages for signed-out visitors; /accept-invite and /reset-password work either way. */
const PUBLIC_ONLY = new Set(['/sign-in', '/sign-up', '/forgot-password']);

export function App() {
  const [boot, setBoot] = useState<Boot>({ state: 'loading' });
  const [me, setMeState] = useState<Me | null>(null);
  const [attempt, setAttempt] = useState(0);
  const location = useLocation();
  const { announce } = useFeedback();

  const setMe = useCallback((next: Me | null) => {
    // Another organization (or none): the sync loops of the one left stop before requests act in the next.
    if ((next?.currentOrgId ?? null) !== currentApiOrg()) stopSync();
    setApiOrg(next?.currentOrgId ?? null);
    // Signed out, or the session ended: what was cached for offline use belongs to that user only.
    if (!next) void clearUserData();
    setMeState(next);
  }, []);
  // Changes this device recorded offline on an earlier visit go out now, whichever page this visit opened on. The
  // sync code loads once the page has shown (it is not needed to draw it).
  const resumeScope = me?.currentOrgId ? `${me.currentOrgId}:${me.user.id}` : null;
  useEffect(() => {
    if (!resumeScope) return;
    const [orgId, userId] = resumeScope.split(':') as [string, string];
    const timer = setTimeout(() => {
      void import('./sync/hub').then((h) => h.resumeSync({ orgId, userId })).catch(() => {});
    }, 1500);
    return () => clearTimeout(timer);
  }, [resumeScope]);
  // The app's one live stream, for the organization the session acts in.
  useLiveConnection(me?.currentOrgId ?? null);

  // Load the session once (and on "Try again"); the first time, take the request made before the first render.
  useEffect(() => {
    let cancelled = false;
    const request = openingSession ?? api.get<Me>('/api/v1/me', { session: false });
    openingSession = null;
    request
      .then((m) => {
        if (cancelled) return;
        setMe(m);
        setBoot({ state: 'ready' });
      })
      .catch((e: unknown) => {
        if (cancelled) return;
        if (e instanceof ApiError && e.status === 401) {
          setMe(null);
          setBoot({ state: 'ready' });
        } else setBoot({ state: 'failed', error: e });
      });
    return () => {
      cancelled = true;
    };
  }, [attempt, setMe]);

  // A 401 from any signed-in request means the session is gone: back to sign-in, then back here.
  useEffect(() => {
    setUnauthenticatedHandler(() => {
      setMe(null);
      announce('Your session has ended. Please sign in again.', 'info');
      const here = window.location.pathname + window.location.search;
      navigate(`/sign-in${here === '/' ? '' : `?next=${encodeURIComponent(here)}`}`, { replace: true });
    });
    return () => setUnauthenticatedHandler(null);
  }, [announce, setMe]);

  const session = useMemo<SessionValue | null>(() => {
    if (!me) return null;
    const org = currentOrg(me);
    return {
      me,
      org,
      isAdmin: org?.role === 'owner' || org?.role === 'admin',
      isOwner: org?.role === 'owner',
      setMe,
      refresh: async () => setMe(await api.get<Me>('/api/v1/me')),
      switchOrg: async (orgId) => setMe(await api.post<Me>('/api/v1/me/current-org', { orgId })),
      signOut: async () => {
        await unsubscribeThisDevice();
        await api.post('/api/v1/auth/sign-out', undefined, { session: false });
        setMe(null);
        navigate('/sign-in', { replace: true });
      },
      signOutEverywhere: async () => {
        await unsubscribeThisDevice();
        const r = await api.post<{ endedSessions: number }>('/api/v1/auth/sign-out-everywhere');
        setMe(null);
        navigate('/sign-in', { replace: true });
        return r.endedSessions;
      },
    };
  }, [me, setMe]);

  if (boot.state === 'loading') {
    // index.html paints the same markup before any script runs.
    return (
      <div className="boot">
        <Logo size={48} />
        <Loading label="Loading Akashic Intelligence…" />
      </div>
    );
  }
  if (boot.state === 'failed') {
    return (
      <div className="boot">
        <SkipLink />
        <main id="main" className="boot-card">
          <Logo size={48} />
          <h1>Akashic is unavailable</h1>
          <p>{errorMessage(boot.error)}</p>
          <button
            type="button"
            className="button primary"
            onClick={() => {
              setBoot({ state: 'loading' });
              setAttempt((a) => a + 1);
            }}
          >
            Try again
          </button>
        </main>
      </div>
    );
  }

  const { path } = location;
  if (path === '/accept-invite') {
    return (
      <PageBoundary resetKey={path}>
        <AcceptInvitePage me={me} onSignedIn={setMe} />
      </PageBoundary>
    );
  }
  if (path === '/reset-password') return <ResetPasswordPage onReset={() => setMe(null)} />;
  if (PUBLIC_ONLY.has(path)) {
    if (session) return <Redirect to="/" />;
    if (path === '/sign-in') return <SignInPage onSignedIn={setMe} />;
    if (path === '/sign-up') return <SignUpPage onSignedIn={setMe} />;
    return <ForgotPasswordPage />;
  }
  if (!session) {
    return <Redirect to={path === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(location.href)}`} />;
  }

  return (
    <SessionContext.Provider value={session}>
      <Shell>
        {/* Remount the page when the organization changes, so everything is re-read for the new one. */}
        <PageBoundary resetKey={path}>
          <Page key={session.me.currentOrgId ?? 'none'} path={path} hasOrg={session.org !== null} />
        </PageBoundary>
      </Shell>
    </SessionContext.Provider>
  );
}

function Page({ path, hasOrg }: { path: string; hasOrg: boolean }): ReactNode {
  if (path === '/orgs/new') return <CreateOrgPage />;
  if (!hasOrg) return <NoOrgPage />;
  if (path === '/') return <OverviewPage />;
  const module = MODULES.find((m) => m.path === path);
  if (module) return <ModulePage module={module} />;
  if (path.startsWith(`${CAMPAIGNS_PATH}/`)) {
    const rest = path.slice(CAMPAIGNS_PATH.length + 1);
    if (rest === 'new') return <NewCampaignPage />;
    // Remount per campaign, so nothing of one campaign's page carries over to the next.
    if (/^[0-9a-f-]{36}$/i.test(rest)) return <CampaignDetailPage key={rest} id={rest} />;
    const voters = /^([0-9a-f-]{36})\/voters$/i.exec(rest);
    if (voters) return <VotersPage key={rest} campaignId={voters[1]!} />;
    const field = /^([0-9a-f-]{36})\/(events|turfs)(?:\/([0-9a-f-]{36}))?$/i.exec(rest);
    if (field) {
      const [, campaignId, kind, id] = field as unknown as [string, string, 'events' | 'turfs', string | undefined];
      if (kind === 'events')
        return id ? (
          <EventPage key={rest} campaignId={campaignId} eventId={id} />
        ) : (
          <EventsPage key={rest} campaignId={campaignId} />
        );
      return id ? (
        <CanvassPage key={rest} campaignId={campaignId} turfId={id} />
      ) : (
        <TurfsPage key={rest} campaignId={campaignId} />
      );
    }
    const message = /^([0-9a-f-]{36})\/messages\/([0-9a-f-]{36})$/i.exec(rest);
    if (message) return <MessageEditorPage key={rest} campaignId={message[1]!} messageId={message[2]!} />;
    return <NotFoundPage />;
  }
  if (path === DEVELOPERS_PATH || path.startsWith(`${DEVELOPERS_PATH}/`)) return <DevelopersPage path={path} />;
  switch (path) {
    case '/members':
      return <MembersPage />;
    case '/tokens':
      return <TokensPage />;
    case '/notifications':
      return <NotificationsPage />;
    case '/passkeys':
      return <PasskeysPage />;
    case '/audit':
      return <AuditPage />;
    case CAMPAIGNS_PATH:
      return <CampaignsPage />;
    case '/campaigns/intelligence':
      return <IntelligencePage />;
    case '/campaigns/forecasts':
      return <ForecastsPage />;
    case '/settings':
      return <SettingsPage />;
    default:
      return <NotFoundPage />;
  }
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
