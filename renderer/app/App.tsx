// The app shell: navigation on the left, the current screen on the right; colours follow the OS.
import { AppShell, Burger, Group, MantineProvider, NavLink, Title } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { HashRouter, Route, Routes, useLocation, useNavigate } from 'react-router';
import { ROUTES } from './routes';
import { useApp } from '../stores/app';
import { startJobSync } from '../stores/jobs';
import { cssVariablesResolver, theme } from './theme';
import { focusPageHeading } from '../components/focus';
import './shell.css';


function Shell() {
  const [opened, { toggle }] = useDisclosure();
  const location = useLocation();
  const navigate = useNavigate();
  // After navigating, the focus goes to the new page's heading (not left on the sidebar link).
  const shownPath = useRef(location.pathname);
  useEffect(() => {
    if (shownPath.current === location.pathname) return;
    shownPath.current = location.pathname;
    focusPageHeading();
  }, [location.pathname]);
  return (
    <>
      <a
        className="skip-link"
        href="#main-content"
        onClick={(e) => {
          e.preventDefault(); // the address is the router's: focus the content instead of following it
          focusPageHeading();
        }}
      >
        Skip to content
      </a>
      <AppShell header={{ height: 60 }} navbar={{ width: 260, breakpoint: 'sm', collapsed: { mobile: !opened } }} padding="xl">
        <AppShell.Header>
          <Group h="100%" px="md">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" aria-label="Toggle navigation" />
            <Title order={3} component="p">
              PCI Maintenance
            </Title>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm" component="nav" aria-label="Main">
          {ROUTES.filter((r) => r.nav !== false).map((r) => (
            <NavLink
              key={r.path}
              href={`#${r.path}`}
              label={r.label}
              leftSection={r.icon}
              active={location.pathname === r.path}
              aria-current={location.pathname === r.path ? 'page' : undefined}
              onClick={(e) => {
                e.preventDefault();
                void navigate(r.path);
              }}
              py="sm"
            />
          ))}
        </AppShell.Navbar>
        <AppShell.Main id="main-content">
          <Routes>
            {ROUTES.map((r) => (
              <Route key={r.path} path={r.path} element={r.element} />
            ))}
          </Routes>
        </AppShell.Main>
      </AppShell>
    </>
  );
}

export function App() {
  const load = useApp((s) => s.load);
  useEffect(() => {
    startJobSync();
    void load();
  }, [load]);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariablesResolver} defaultColorScheme="auto">
      <Notifications />
      <HashRouter>
        <Shell />
      </HashRouter>
    </MantineProvider>
  );
}
