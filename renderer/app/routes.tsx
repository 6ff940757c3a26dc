// The screens of the app, in the order of the navigation.
import type { ReactNode } from 'react';
import { IconArchive, IconChecklist, IconDatabaseSearch, IconGauge, IconHistory, IconLifebuoy, IconPlugConnected, IconRestore, IconSettings, IconShieldCheck } from '@tabler/icons-react';
import { DashboardPage } from '../pages/DashboardPage';
import { HistoryPage } from '../pages/HistoryPage';
import { SettingsPage } from '../pages/SettingsPage';
import { NotAvailable } from '../components/NotAvailable';
import { ConnectWizard } from '../wizards/connect/ConnectWizard';
import { VerifyWizard } from '../wizards/verify/VerifyWizard';
import { StorageCheckPage } from '../pages/StorageCheckPage';
import { RestoreWizard } from '../wizards/restore/RestoreWizard';

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
  { path: '/backup', label: 'Backup', icon: <IconArchive />, element: <NotAvailable feature="Backup" what="Back up your PCI File Manager database and files, step by step, with a progress bar and a check at the end." /> },
  { path: '/verify', label: 'Verify', icon: <IconShieldCheck />, element: <VerifyWizard /> },
  { path: '/check', label: 'Storage check', icon: <IconDatabaseSearch />, element: <StorageCheckPage /> },
  { path: '/restore', label: 'Restore', icon: <IconRestore />, element: <RestoreWizard /> },
  { path: '/checklist', label: 'Pre-update checklist', icon: <IconChecklist />, element: <NotAvailable feature="The pre-update checklist" what="Before you upgrade PCI File Manager: a fresh verified backup and every check, with what to do when one fails." /> },
  { path: '/history', label: 'History', icon: <IconHistory />, element: <HistoryPage /> },
  { path: '/support', label: 'Support', icon: <IconLifebuoy />, element: <NotAvailable feature="The support bundle" what="One zip with logs, history and diagnostics for whoever helps you, with every secret removed." /> },
  { path: '/settings', label: 'Settings', icon: <IconSettings />, element: <SettingsPage /> },
  { path: '/connect', label: 'Connect PCI File Manager', icon: <IconPlugConnected />, element: <ConnectWizard />, nav: false },
];
