/** The signed-in layout: header (organization switcher, account menu), navigation and the main region. */
import { useState, type ReactNode } from 'react';
import { errorMessage } from '../api';
import { ROLE_LABELS } from '../format';
import { Link, useLocation } from '../router';
import { useSession } from '../session';
import { useFeedback } from './feedback';
import { Logo } from './layout';
import { Menu } from './Menu';
import { LiveIndicator, NotificationsBell } from './Notifications';
import { SyncIndicator } from './SyncIndicator';

export function SkipLink() {
  return (
    <a className="skip-link" href="#main">
      Skip to main content
    </a>
  );
}

interface NavItem {
  to: string;
  label: string;
  adminOnly?: boolean;
  /** A section of the item above it (drawn indented). */
  sub?: boolean;
}

const MODULES: NavItem[] = [
  { to: '/campaigns', label: 'Campaign Console' },
  { to: '/campaigns/list', label: 'Campaigns', sub: true },
  { to: '/campaigns/intelligence', label: 'Intelligence', sub: true },
  { to: '/campaigns/forecasts', label: 'Forecasts', sub: true },
  { to: '/global', label: 'Global' },
  { to: '/risk', label: 'Risk' },
];

const PLATFORM: NavItem[] = [
  { to: '/members', label: 'Members & invitations' },
  { to: '/tokens', label: 'API tokens' },
  { to: '/developers', label: 'Developers' },
  { to: '/notifications', label: 'Notifications' },
  { to: '/passkeys', label: 'Passkeys' },
  { to: '/audit', label: 'Audit log', adminOnly: true },
  { to: '/settings', label: 'Organization settings' },
];

export function Shell({ children }: { children: ReactNode }) {
  const { me, org, isAdmin } = useSession();
  const { path } = useLocation();
  const within = (to: string) => path === to || path.startsWith(`${to}/`);
  // The most specific item containing the page is the current one (a section, not also its module).
  const current = [...MODULES, ...PLATFORM]
    .filter((i) => within(i.to))
    .sort((a, b) => b.to.length - a.to.length)[0]?.to;
  const isCurrent = (to: string) => to === current;
  const item = (i: NavItem) =>
    i.adminOnly && !isAdmin ? null : (
      <li key={i.to} className={i.sub ? 'nav-sub' : undefined}>
        <Link to={i.to} aria-current={isCurrent(i.to) ? 'page' : undefined}>
          {i.label}
        </Link>
      </li>
    );

  return (
    <div className="shell">
      <SkipLink />
      <header className="topbar">
        <Link to="/" className="brand">
          <Logo size={30} />
          <span>
            Akashic <span className="brand-sub">Intelligence</span>
          </span>
        </Link>
        <div className="topbar-controls">
          {org && <LiveIndicator />}
          {org && <SyncIndicator />}
          {org && <NotificationsBell key={org.id} />}
          <OrgSwitcher />
          <AccountMenu name={me.user.name} email={me.user.email} />
        </div>
      </header>
      <div className="layout">
        {org && (
          <nav className="sidenav" aria-label="Main">
            <ul>
              <li>
                <Link to="/" aria-current={path === '/' ? 'page' : undefined}>
                  Overview
                </Link>
              </li>
            </ul>
            <p className="nav-heading" id="nav-modules">
              Modules
            </p>
            <ul aria-labelledby="nav-modules">{MODULES.map(item)}</ul>
            <p className="nav-heading" id="nav-org">
              Organization
            </p>
            <ul aria-labelledby="nav-org">{PLATFORM.map(item)}</ul>
          </nav>
        )}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </div>
  );
}

function OrgSwitcher() {
  const { me, org, switchOrg } = useSession();
  const { announce } = useFeedback();
  const [busy, setBusy] = useState(false);

  const choose = async (id: string, name: string, close: () => void) => {
    close();
    if (id === me.currentOrgId) return;
    setBusy(true);
    try {
      await switchOrg(id);
      announce(`Switched to ${name}`);
    } catch (e) {
      announce(errorMessage(e), 'error');
    } finally {
      setBusy(false);
    }
  };

  const name = org?.name ?? 'No organization';
  return (
    <Menu
      align="start"
      buttonContent={
        <span className="menu-button-text">
          <span className="menu-kicker">{busy ? 'Switching…' : 'Organization'}</span>
          <span className="menu-title">{name}</span>
        </span>
      }
    >
      {(close) => (
        <>
          {me.orgs.length > 0 && (
            <>
              <p className="menu-label" id="org-list-label">
                Your organizations
              </p>
              <ul className="menu-list" aria-labelledby="org-list-label">
                {me.orgs.map((o) => (
                  <li key={o.id}>
                    <button
                      type="button"
                      className="menu-item"
                      aria-current={o.id === me.currentOrgId ? 'true' : undefined}
                      onClick={() => void choose(o.id, o.name, close)}
                    >
                      <span>{o.name}</span>
                      <span className="menu-item-meta">{ROLE_LABELS[o.role]}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </>
          )}
          <div className="menu-footer">
            <Link to="/orgs/new" className="menu-item" onClick={close}>
              + Create organization
            </Link>
          </div>
        </>
      )}
    </Menu>
  );
}

function AccountMenu({ name, email }: { name: string; email: string }) {
  const { signOut, signOutEverywhere } = useSession();
  const { announce, confirm } = useFeedback();

  const out = async (close: () => void) => {
    close();
    try {
      await signOut();
      announce('You have signed out.', 'info');
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  const everywhere = async (close: () => void) => {
    close();
    const ok = await confirm({
      title: 'Sign out everywhere?',
      body: (
        <p>This ends every session of your account, on this device and all others. You will need to sign in again.</p>
      ),
      confirmLabel: 'Sign out everywhere',
      danger: true,
    });
    if (!ok) return;
    try {
      const n = await signOutEverywhere();
      announce(`Signed out everywhere (${n} ${n === 1 ? 'session' : 'sessions'} ended).`, 'info');
    } catch (e) {
      announce(errorMessage(e), 'error');
    }
  };

  const initials = name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((p) => p[0]!.toUpperCase())
    .join('');

  return (
    <Menu
      label="Account menu:"
      buttonContent={
        <>
          <span className="avatar" aria-hidden="true">
            {initials || '?'}
          </span>
          <span className="menu-title account-name">{name}</span>
        </>
      }
    >
      {(close) => (
        <>
          <div className="menu-identity">
            <strong>{name}</strong>
            <span>{email}</span>
          </div>
          <ul className="menu-list">
            <li>
              <button type="button" className="menu-item" onClick={() => void out(close)}>
                Sign out
              </button>
            </li>
            <li>
              <button type="button" className="menu-item" onClick={() => void everywhere(close)}>
                Sign out everywhere
              </button>
            </li>
          </ul>
        </>
      )}
    </Menu>
  );
}

/** The layout for pages used without a session: sign-in, sign-up, invitations, password reset. */
export function AuthLayout({ children, wide }: { children: ReactNode; wide?: boolean }) {
  return (
    <div className="auth">
      <SkipLink />
      <header className="auth-header">
        <Link to="/" className="brand brand-dark">
          <Logo size={36} />
          <span>
            Akashic <span className="brand-sub">Intelligence</span>
          </span>
        </Link>
      </header>
      <main id="main" tabIndex={-1} className={`auth-card${wide ? ' wide' : ''}`}>
        {children}
      </main>
      <footer className="auth-footer">
        <p>
          Strategic intelligence for campaign teams · <a href="/docs">API reference</a>
        </p>
      </footer>
    </div>
  );
}
