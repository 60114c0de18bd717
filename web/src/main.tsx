import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App';
import { Client } from './client/client';
import { applyTheme, savedTheme } from './user/theme';
import './styles.css';

applyTheme(savedTheme());
const client = new Client();
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <App client={client} />
  </StrictMode>,
);
