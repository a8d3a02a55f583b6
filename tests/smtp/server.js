// A real SMTP server for the e-mail sender's tests, started by the test itself:
//   node server.js <dir> <cert.pem> <key.pem> <implicit-tls: true|false> <user> <password>
// It listens on a free loopback port (printed as "PORT <n>" on stdout), offers STARTTLS unless it
// speaks TLS from the first byte, requires AUTH PLAIN/LOGIN with the given user, and writes each
// message it accepts as <dir>/<n>.eml, with the envelope and whether the session was secure in
// <dir>/<n>.json. It stops when its standard input closes.
'use strict';
const fs = require('fs');
const path = require('path');
const { SMTPServer } = require('smtp-server');

const [dir, certFile, keyFile, implicitTls, user, password] = process.argv.slice(2);
let count = 0;

const server = new SMTPServer({
  secure: implicitTls === 'true',
  key: fs.readFileSync(keyFile),
  cert: fs.readFileSync(certFile),
  authMethods: ['PLAIN', 'LOGIN'],
  // Credentials over plain text are refused, as a real submission server does.
  allowInsecureAuth: false,
  logger: false,
  onAuth(auth, session, callback) {
    if (auth.username === user && auth.password === password) {
      return callback(null, { user: auth.username });
    }
    return callback(new Error('Invalid username or password'));
  },
  onData(stream, session, callback) {
    const chunks = [];
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('end', () => {
      count += 1;
      const name = String(count);
      fs.writeFileSync(path.join(dir, name + '.eml'), Buffer.concat(chunks));
      fs.writeFileSync(path.join(dir, name + '.json'), JSON.stringify({
        from: session.envelope.mailFrom && session.envelope.mailFrom.address,
        to: session.envelope.rcptTo.map((r) => r.address),
        secure: session.secure,
        user: session.user,
      }));
      callback();
    });
  },
});

// A client that vanishes mid-session (the scale tests SIGKILL an instance while it sends) makes the server
// emit 'error'; without a listener node treats that as fatal and the receiver died with the instance, so
// every later message went nowhere. The error is noted in <dir>/errors.log and the server goes on.
server.on('error', (err) => {
  fs.appendFileSync(path.join(dir, 'errors.log'), new Date().toISOString() + ' ' + (err && err.message) + '\n');
});

server.listen(0, '127.0.0.1', () => {
  process.stdout.write('PORT ' + server.server.address().port + '\n');
});
process.stdin.on('end', () => server.close(() => process.exit(0)));
process.stdin.resume();
