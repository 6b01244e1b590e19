import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { getLocale } from './lib/i18n';
import { installScanner } from './lib/scans';

document.documentElement.lang = getLocale();
// One scanner for the app's whole life, so a burst that spans a screen change stays whole.
installScanner(window);

const target = document.getElementById('app');
if (!target) throw new Error('#app is missing from index.html');

export default mount(App, { target });
