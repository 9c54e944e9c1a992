// The UI's entry: pages by URL hash (#/scripts/...), so the server serves
// one index.html and every page has a link of its own.
import { deadLetterPage, deadLettersPage } from './pages/dead_letters';
import { executionPage } from './pages/execution';
import { loginPage } from './pages/login';
import { scriptPage } from './pages/script';
import { scriptFormPage } from './pages/script_form';
import { scriptsPage } from './pages/scripts';
import { auditPage, migrationsPage, quotaPage, secretsPage, tokensPage } from './pages/tenant';
import { versionsPage } from './pages/versions';
import { session } from './session';
import { leavePage, setRerender } from './shell';
import './style.css';

const routes: [RegExp, (match: string[], query: URLSearchParams) => unknown][] = [
  [/^\/new$/, () => scriptFormPage()],
  [/^\/scripts\/([\w-]+)$/, ([, id]) => scriptPage(id)],
  [/^\/scripts\/([\w-]+)\/edit$/, ([, id]) => scriptFormPage(id)],
  [/^\/scripts\/([\w-]+)\/versions$/, ([, id], query) => versionsPage(id, query)],
  [/^\/executions\/([\w-]+)$/, ([, id]) => executionPage(id)],
  [/^\/dead-letters$/, (_, query) => deadLettersPage(query)],
  [/^\/dead-letters\/([\w-]+)$/, ([, id]) => deadLetterPage(id)],
  [/^\/tokens$/, () => tokensPage()],
  [/^\/secrets$/, () => secretsPage()],
  [/^\/db$/, () => migrationsPage()],
  [/^\/quota$/, () => quotaPage()],
  [/^\/audit$/, (_, query) => auditPage(query)],
];

function route() {
  leavePage();
  const [path, query = ''] = location.hash.replace(/^#/, '').split('?');
  if (!session.token() || path === '/login') return loginPage();
  for (const [pattern, page] of routes) {
    const match = pattern.exec(path);
    if (match) return page(match, new URLSearchParams(query));
  }
  return scriptsPage(new URLSearchParams(query));
}

setRerender(route);
window.addEventListener('hashchange', route);
route();
