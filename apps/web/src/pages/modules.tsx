/**
 * The overview and the three module pages. Each page says what of the module is in this build (linking to it)
 * and what is still to come.
 */
import { Badge, PageHeader, Panel } from '../components/layout';
import { Link } from '../router';
import { useSession } from '../session';

export interface ModuleInfo {
  path: string;
  name: string;
  summary: string;
  /** Parts of the module in this build. */
  available?: { to: string; title: string; description: string }[];
  /** What the module will hold, not yet built. */
  will: string[];
}

export const MODULES: ModuleInfo[] = [
  {
    path: '/campaigns',
    name: 'Campaign Console',
    summary: 'Plan and run campaigns: messaging, voters, field operations and forecasts in one place.',
    available: [
      {
        to: '/campaigns/list',
        title: 'Campaigns',
        description:
          'Your campaigns with their jurisdiction and election date, a vote goal from the turnout forecast, the budget with its spend and weekly burn, and the team with campaign roles.',
      },
      {
        to: '/campaigns/intelligence',
        title: 'Historical election intelligence',
        description:
          'Presidential results for every county since 1868 on a map and in a table, with county demographics, American Nations regions and state turnout data behind them.',
      },
      {
        to: '/campaigns/forecasts',
        title: 'Forecasts',
        description:
          'Poll-based presidential forecasts by state for 2008–2016 with paths to victory, a county scenario modeler for what-if national results, and saved scenarios.',
      },
    ],
    will: [
      'Campaign calendars: events and shifts',
      'Audience-versioned messaging, so each audience sees the version written for it',
      'Voter files and segments',
      'Field operations: canvassing turfs, shifts and contact results',
      'Forecasts built from your own data, with their assumptions shown',
    ],
  },
  {
    path: '/global',
    name: 'Global',
    summary: 'The international picture: countries, contributions and development projects.',
    will: [
      'Country profiles',
      'Contributions, tracked by source and destination',
      'Development projects with their status and funding',
    ],
  },
  {
    path: '/risk',
    name: 'Risk',
    summary: 'Know what could go wrong before it does: assessments, an intelligence feed and compliance.',
    will: [
      'Risk assessments with likelihood, impact and owners',
      'An intelligence feed of items relevant to your organization',
      'Compliance checklists and their evidence',
    ],
  },
];

function NotYet() {
  return (
    <p className="notice notice-info">
      <strong>Not available in this build.</strong> This module has not shipped yet. There is nothing to try here today,
      and nothing on this page is sample or simulated data.
    </p>
  );
}

export function ModulePage({ module }: { module: ModuleInfo }) {
  const available = module.available ?? [];
  return (
    <>
      <PageHeader title={module.name} lead={module.summary} />
      {available.length === 0 ? (
        <NotYet />
      ) : (
        <section aria-labelledby="available-heading" className="section">
          <h2 id="available-heading">Available now</h2>
          <ul className="cards">
            {available.map((a) => (
              <li key={a.to} className="card">
                <h3>
                  <Link to={a.to}>{a.title}</Link>
                </h3>
                <p>{a.description}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Panel title={available.length ? 'Still to come' : 'What this module will hold'}>
        {available.length > 0 && (
          <p className="muted">
            The rest of this module has not shipped yet; nothing below can be tried today, and nothing in this module is
            sample or simulated data.
          </p>
        )}
        <ul className="checklist">
          {module.will.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
        <p className="muted">
          Everything it holds will belong to your organization alone, follow your members’ roles, and be recorded in the
          audit log.
        </p>
      </Panel>
    </>
  );
}

export function OverviewPage() {
  const { me, org, isAdmin } = useSession();
  const first = me.user.name.split(/\s+/)[0] || me.user.name;
  return (
    <>
      <PageHeader title={`Welcome, ${first}`} lead={org ? `You are working in ${org.name}.` : undefined} />
      <section aria-labelledby="modules-heading" className="section">
        <h2 id="modules-heading">Modules</h2>
        <ul className="cards">
          {MODULES.map((m) => (
            <li key={m.path} className="card">
              <h3>
                <Link to={m.path}>{m.name}</Link>
              </h3>
              <p>{m.summary}</p>
              <p className="card-status">
                {m.available?.length ? (
                  <Badge tone="blue">Partly available</Badge>
                ) : (
                  <Badge tone="grey">Not yet available</Badge>
                )}
              </p>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="platform-heading" className="section">
        <h2 id="platform-heading">Your organization</h2>
        <ul className="cards">
          <li className="card">
            <h3>
              <Link to="/members">Members &amp; invitations</Link>
            </h3>
            <p>{isAdmin ? 'Invite colleagues and manage their roles.' : 'See who is in your organization.'}</p>
          </li>
          <li className="card">
            <h3>
              <Link to="/tokens">API tokens</Link>
            </h3>
            <p>Personal tokens for scripts and integrations, limited to the scopes you choose.</p>
          </li>
          {isAdmin && (
            <li className="card">
              <h3>
                <Link to="/audit">Audit log</Link>
              </h3>
              <p>A tamper-evident record of every change made in the organization.</p>
            </li>
          )}
          <li className="card">
            <h3>
              <Link to="/settings">Organization settings</Link>
            </h3>
            <p>The organization’s name and details.</p>
          </li>
        </ul>
      </section>
    </>
  );
}
