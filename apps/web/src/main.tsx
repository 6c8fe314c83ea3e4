import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { FeedbackProvider } from './components/feedback';
import { UpdatePrompt } from './components/UpdatePrompt';
import { registerServiceWorker } from './pwa';
import './styles.css';

registerServiceWorker();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <FeedbackProvider>
      <App />
      <UpdatePrompt />
    </FeedbackProvider>
  </StrictMode>,
);
