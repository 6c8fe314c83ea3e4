import { StrictMode, startTransition } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { FeedbackProvider } from './components/feedback';
import { UpdatePrompt } from './components/UpdatePrompt';
import { registerServiceWorker } from './pwa';
import './styles.css';

registerServiceWorker();

const root = createRoot(document.getElementById('root')!);
// As a transition, the first render yields to the browser every few milliseconds instead of holding the main thread
// for its whole length (index.html's loading state stays on screen meanwhile).
startTransition(() =>
  root.render(
    <StrictMode>
      <FeedbackProvider>
        <App />
        <UpdatePrompt />
      </FeedbackProvider>
    </StrictMode>,
  ),
);
