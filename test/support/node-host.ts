// Installs the engine's host for plain Node.js (Node's timers, the http/https transport) in every test
// file, for the tests that call the engine without passing a host (the product's faces pass theirs).
import { installNodeHost } from '../../lib/hosts/node';

installNodeHost();
