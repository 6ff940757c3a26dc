// The screens of the app, in the order of the navigation.
import type { ReactNode } from 'react';
import { IconArchive, IconCalendarCheck, IconChecklist, IconDatabaseSearch, IconGauge, IconHistory, IconLifebuoy, IconPlugConnected, IconRestore, IconSettings, IconShieldCheck, IconStack2, IconTool } from '@tabler/icons-react';
import { DashboardPage } from '../pages/DashboardPage';
import { HistoryPage } from '../pages/HistoryPage';
import { SettingsPage } from '../pages/SettingsPage';
import { ConnectWizard } from '../wizards/connect/ConnectWizard';
import { VerifyWizard } from '../wizards/verify/VerifyWizard';
import { StorageCheckPage } from '../pages/StorageCheckPage';
import { RestoreWizard } from '../wizards/restore/RestoreWizard';
import { ChecklistPage } from '../wizards/checklist/ChecklistPage';
import { SupportWizard } from '../wizards/support/SupportWizard';
import { MaintenancePage } from '../pages/MaintenancePage';
import { PlanPage } from '../pages/PlanPage';
import { RunDetailsPage } from '../pages/RunDetailsPage';
import { BackupWizard } from '../wizards/backup/BackupWizard';
import { RestorePointsPage } from '../pages/RestorePointsPage';

export interface Route {
  path: string;
  label: string;
  icon: ReactNode;
  element: ReactNode;
  /** false: reachable by links only, not listed in the navigation (e.g. wizards opened from a page). */
  nav?: boolean;
}

export const ROUTES: Route[] = [
  { path: '/', label: 'Dashboard', icon: <IconGauge />, element: <DashboardPage /> },
  { path: '/backup', label: 'Backup', icon: <IconArchive />, element: <BackupWizard /> },
  { path: '/restore-points', label: 'Restore points', icon: <IconStack2 />, element: <RestorePointsPage /> },
  { path: '/verify', label: 'Verify', icon: <IconShieldCheck />, element: <VerifyWizard /> },
  { path: '/check', label: 'Storage check', icon: <IconDatabaseSearch />, element: <StorageCheckPage /> },
  { path: '/restore', label: 'Restore', icon: <IconRestore />, element: <RestoreWizard /> },
  { path: '/checklist', label: 'Pre-update checklist', icon: <IconChecklist />, element: <ChecklistPage /> },
  { path: '/history', label: 'History', icon: <IconHistory />, element: <HistoryPage /> },
  { path: '/support', label: 'Support', icon: <IconLifebuoy />, element: <SupportWizard /> },
  { path: '/plan', label: 'Maintenance plan', icon: <IconCalendarCheck />, element: <PlanPage /> },
  { path: '/maintenance', label: 'Maintenance', icon: <IconTool />, element: <MaintenancePage /> },
  { path: '/settings', label: 'Settings', icon: <IconSettings />, element: <SettingsPage /> },
  { path: '/connect', label: 'Connect PCI File Manager', icon: <IconPlugConnected />, element: <ConnectWizard />, nav: false },
  { path: '/runs/:id', label: 'Run details', icon: <IconHistory />, element: <RunDetailsPage />, nav: false },
];
