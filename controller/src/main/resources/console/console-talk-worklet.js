"use strict";
// The live talk's PCM path (console-live.js), for browsers whose MediaRecorder cannot record WebM/Opus:
// hands each block of the microphone's samples to the page, which resamples it to 16 kHz s16le.
class TalkPcm extends AudioWorkletProcessor {
  process(inputs) {
    const channel = inputs[0] && inputs[0][0];
    if (channel) this.port.postMessage(channel.slice(0));
    return true;
  }
}
registerProcessor("talk-pcm", TalkPcm);
