// The screens of the app, in the order of the navigation.
import type { ReactNode } from 'react';
import { IconArchive, IconChecklist, IconGauge, IconHistory, IconLifebuoy, IconRestore, IconSettings, IconShieldCheck } from '@tabler/icons-react';
import { DashboardPage } from '../pages/DashboardPage';
import { HistoryPage } from '../pages/HistoryPage';
import { SettingsPage } from '../pages/SettingsPage';
import { NotAvailable } from '../components/NotAvailable';

export interface Route {
  path: string;
  label: string;
  icon: ReactNode;
  element: ReactNode;
}

export const ROUTES: Route[] = [
  { path: '/', label: 'Dashboard', icon: <IconGauge />, element: <DashboardPage /> },
  { path: '/backup', label: 'Backup', icon: <IconArchive />, element: <NotAvailable feature="Backup" what="Back up your PCI File Manager database and files, step by step, with a progress bar and a check at the end." /> },
  { path: '/verify', label: 'Verify', icon: <IconShieldCheck />, element: <NotAvailable feature="Verify" what="Check that a backup is complete and readable, so you can trust it on the day you need it." /> },
  { path: '/restore', label: 'Restore', icon: <IconRestore />, element: <NotAvailable feature="Restore" what="Roll PCI File Manager back to an earlier state, after a preview and a safety backup of what exists now." /> },
  { path: '/checklist', label: 'Pre-update checklist', icon: <IconChecklist />, element: <NotAvailable feature="The pre-update checklist" what="Before you upgrade PCI File Manager: a fresh verified backup and every check, with what to do when one fails." /> },
  { path: '/history', label: 'History', icon: <IconHistory />, element: <HistoryPage /> },
  { path: '/support', label: 'Support', icon: <IconLifebuoy />, element: <NotAvailable feature="The support bundle" what="One zip with logs, history and diagnostics for whoever helps you, with every secret removed." /> },
  { path: '/settings', label: 'Settings', icon: <IconSettings />, element: <SettingsPage /> },
];
