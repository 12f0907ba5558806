// Renderer entry: one bridge (Electron preload or the local web server's WebSocket), one App.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { getTransport } from './transport';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('netmon: #root missing from index.html');
createRoot(root).render(
  <StrictMode>
    <App bridge={getTransport()} />
  </StrictMode>,
);
