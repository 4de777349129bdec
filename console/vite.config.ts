import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vitest/config';

// The console talks to the gateway on its own origin; `npm run dev` proxies there instead
// (GATEWAY_URL, default the launcher's http://localhost:8080).
const gateway = process.env.GATEWAY_URL ?? 'http://localhost:8080';

/**
 * The policy the console is written for: what the gateway sends with it, or stricter (no inline styles
 * either). `vite preview` sends it too, so that a browser test run against the preview catches a violation.
 */
export const CONSOLE_CSP = [
  "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "object-src 'none'", "base-uri 'self'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

export default defineConfig({
  plugins: [react()],
  resolve: {
    alias: {
      '@contracts': fileURLToPath(new URL('../contracts/types/typescript/src/index.ts', import.meta.url)),
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // The gateway serves the console under a strict CSP (script-src 'self'): nothing may be inlined,
    // not even the tiny modulepreload polyfill or a small asset turned into a data: URL.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  server: {
    proxy: {
      '/api': { target: gateway, changeOrigin: false },
      '/ws': { target: gateway, ws: true },
      '/docs': gateway,
      '/redoc': gateway,
    },
  },
  preview: {
    headers: { 'Content-Security-Policy': CONSOLE_CSP },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
  },
});
