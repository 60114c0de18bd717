import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API, the gateway and media to a running Accord (`cargo run`).
const server = process.env.ACCORD_URL ?? 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 400 },
  server: {
    proxy: {
      '/api': server,
      '/attachments': server,
      '/avatars': server,
      '/icons': server,
      '/emojis': server,
      '/gateway': { target: server, ws: true },
    },
  },
  test: { environment: 'jsdom', include: ['src/**/*.test.ts', 'src/**/*.test.tsx'] },
});
