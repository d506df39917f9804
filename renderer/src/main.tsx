// Renderer entry: picks the client for the host (Electron preload, or browser mode with a token) and mounts the app.
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { ClientContext } from './hooks';
import { createHttpClient, takeToken } from './client/http-client';
import { createIpcClient, preloadBridge } from './client/ipc-client';
import './styles.css';

const root = createRoot(document.getElementById('root')!);
const bridge = preloadBridge();
const token = bridge ? undefined : takeToken();

if (bridge || token) {
  const client = bridge ? createIpcClient(bridge) : createHttpClient(token!);
  root.render(
    <ClientContext.Provider value={client}>
      <App />
    </ClientContext.Provider>,
  );
} else {
  root.render(
    <main className="locked" role="alert">
      <h1>Skillgraph needs its token</h1>
      <p>
        Open the address that <code>skillgraph serve</code> (or <code>npm start</code>) printed in the terminal: it ends in <code>#token=…</code>.
      </p>
    </main>,
  );
}
