import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

// The Tauri shell loads ui/dist from disk (relative asset paths) and, in dev,
// the Vite server on a fixed port.
export default defineConfig({
  plugins: [svelte()],
  clearScreen: false,
  base: './',
  server: {
    port: 1420,
    strictPort: true,
  },
  build: {
    target: 'es2021',
    outDir: 'dist',
    emptyOutDir: true,
  },
  test: {
    environment: 'node',
    include: ['src/**/*.test.ts'],
  },
});
