// Installs the engine's host for plain Node.js (Node's timers, the http/https transport) in every test file.
import '../../lib/hosts/node';
