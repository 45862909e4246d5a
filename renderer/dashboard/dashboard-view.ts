/**
 * The dashboard: state from getState (pushed again on stateChanged), live
 * progress from jobProgress, snapshots and drills fetched alongside. Renders
 * whole sections on each change: the data is small and this keeps it simple.
 */
import type { ComplianceSummaryView, DashboardState, DrillView, JobProgressView, SnapshotView } from '../../preload/ipc-contract.ts';
import { api, call, messageOf } from '../lib/api.ts';
import { h, replaceChildren } from '../lib/dom.ts';
import { actionBar } from './action-bar.ts';
import { alertsList } from './alerts-list.ts';
import { complianceCard } from './compliance-card.ts';
import { drillList } from './drill-list.ts';
import { healthBanner } from './health-banner.ts';
import { progressPanel } from './progress-panel.ts';
import { runHistory } from './run-history.ts';
import { snapshotList } from './snapshot-list.ts';
import { tierCards } from './tier-cards.ts';

export interface DashboardOptions {
  focusAlertId?: number;
}

export function mountDashboard(root: HTMLElement, options: DashboardOptions = {}): () => void {
  let state: DashboardState | null = null;
  let snapshots: SnapshotView[] = [];
  let drills: DrillView[] = [];
  let compliance: ComplianceSummaryView | null = null;
  let complianceError: string | null = null;
  const live = new Map<string, JobProgressView>();
  const top = h('div', { class: 'dash-top' });
  const progress = h('div');
  const lists = h('div', { class: 'dash-lists' });
  replaceChildren(root, h('div', { class: 'dashboard' }, top, progress, lists));

  const renderTop = (): void => {
    if (!state) return;
    replaceChildren(top, healthBanner(state), actionBar(state, { refresh: () => void reload() }), tierCards(state), alertsList(state, options.focusAlertId));
    options.focusAlertId = undefined;
    top.querySelector('.alert.focused')?.scrollIntoView({ block: 'center' });
  };
  const renderProgress = (): void => replaceChildren(progress, progressPanel([...live.values()]));
  const renderLists = (): void => {
    if (!state) return;
    replaceChildren(lists, runHistory(state.recentRuns), snapshotList(snapshots), drillList(drills), complianceCard(compliance, complianceError));
  };

  const applyState = (next: DashboardState): void => {
    state = next;
    // The state lists the jobs still running: finished jobs leave the live panel.
    live.clear();
    for (const p of next.running) live.set(p.job, p);
    renderTop();
    renderProgress();
    renderLists();
  };

  const reload = async (): Promise<void> => {
    try {
      const [nextState, nextSnapshots, nextDrills] = await Promise.all([
        call(api().getState()), call(api().listSnapshots()).catch(() => snapshots), call(api().listDrills()).catch(() => drills),
      ]);
      snapshots = nextSnapshots;
      drills = nextDrills;
      applyState(nextState);
      // After the rest: it reads the repository, and a failure only affects its own card.
      if (nextState.configured) void loadCompliance();
    } catch (error) {
      replaceChildren(top, h('p', { class: 'error' }, `Cannot read the backup state: ${messageOf(error)}`));
    }
  };

  const loadCompliance = async (): Promise<void> => {
    try {
      compliance = await call(api().getCompliance());
      complianceError = null;
    } catch (error) {
      complianceError = messageOf(error);
    }
    renderLists();
  };

  const offState = api().on('stateChanged', (next) => {
    const runsChanged = state === null || JSON.stringify(state.recentRuns) !== JSON.stringify(next.recentRuns);
    applyState(next);
    // A finished run may have written a snapshot or drill: fetch those lists again.
    if (runsChanged) void reload();
  });
  const offProgress = api().on('jobProgress', (p) => {
    live.set(p.job, p);
    renderProgress();
  });
  void reload();
  return () => {
    offState();
    offProgress();
  };
}
