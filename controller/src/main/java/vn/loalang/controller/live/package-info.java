/**
 * The commune's live channels (issue 17): the upstream fetch (ffmpeg), the fan-out of MP3 frames to the
 * stations' streams, the recorder, the named sources and the live talks. Javalin stays out of this package:
 * the HTTP pieces (the embedded stream server, the Icecast callbacks, the talk WebSocket) are in {@code api},
 * so that {@code live} may use {@code content} (recordings go into the library) without a package cycle.
 */
package vn.loalang.controller.live;
