// The failure converter of every Errand client, worker and workflow bundle. CommonJS, because
// the SDK loads it by path: with require() in the worker and the client, with webpack in the bundle.
// encodeCommonAttributes moves a failure's message and stack trace (which can name an address)
// into a payload, so the encryption codec seals them like any other payload.
const { DefaultFailureConverter } = require('@temporalio/common');

exports.failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
