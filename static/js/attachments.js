// Files and voice messages on the conversation page: the file button, drag-and-drop and paste send
// files through the API with a progress bar that can be cancelled; the record button records a voice
// message with the browser's MediaRecorder (elapsed time, cancel, send); voice messages play in a
// small player showing their length. The message itself arrives like any other, over the socket.
// Without JavaScript the file input simply posts with the form.

const VOICE_MAX_MS = 5 * 60 * 1000;
const VOICE_TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/mp4;codecs=mp4a.40.2", "audio/mp4"];

const root = document.getElementById("attachments");
const section = document.getElementById("conversation");
if (root && section) start(root, section);

export function clock(seconds) {
  const total = Math.max(0, Math.floor(seconds || 0));
  return `${Math.floor(total / 60)}:${String(total % 60).padStart(2, "0")}`;
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key] ?? "");
}

function start(root, section) {
  const strings = root.dataset;
  const form = document.getElementById("send-form");
  const input = document.getElementById("send-file");
  const uploadPanel = document.getElementById("upload-panel");
  const recordPanel = document.getElementById("record-panel");
  const dropHint = document.getElementById("drop-hint");
  const recordButton = document.getElementById("record-voice");
  const apiUrl = `${section.dataset.apiUrl}/messages`;
  const csrf = form.elements.csrfmiddlewaretoken.value;
  // The panels sit above the composer's row; the drop hint covers the conversation.
  const row = form.querySelector(".composer-row") || form.lastElementChild;
  form.insertBefore(uploadPanel, row);
  form.insertBefore(recordPanel, row);
  section.append(dropHint);
  input.removeAttribute("name"); // with JavaScript the form never carries the file itself

  // --- uploads: one at a time, in order, each cancellable ---

  const queue = [];
  let current = null;

  function enqueue(file, kind, name) {
    queue.push({ file, kind, name: name || file.name });
    if (!current) next();
  }

  function next() {
    current = queue.shift() || null;
    if (!current) {
      uploadPanel.hidden = true;
      return;
    }
    const job = current;
    const body = new FormData();
    body.append("kind", job.kind);
    body.append("client_id", crypto.randomUUID());
    body.append("file", job.file, job.name);
    const request = new XMLHttpRequest();
    job.request = request;
    request.open("POST", apiUrl);
    request.setRequestHeader("X-CSRFToken", csrf);
    request.setRequestHeader("Accept", "application/json");
    const progress = uploadPanel.querySelector("progress");
    progress.value = 0;
    uploadPanel.querySelector(".attach-label").textContent = format(strings.tUploading, { name: job.name });
    uploadPanel.classList.remove("failed");
    uploadPanel.hidden = false;
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) progress.value = Math.round((event.loaded / event.total) * 100);
    });
    request.addEventListener("load", () => {
      if (request.status === 200 || request.status === 201) {
        progress.value = 100;
        next();
        return;
      }
      let detail = request.statusText;
      try {
        const error = JSON.parse(request.responseText);
        detail = error.detail || detail;
      } catch {
        // not JSON (a proxy's page): the status text will do
      }
      fail(job, detail);
    });
    request.addEventListener("error", () => fail(job, request.statusText || "network error"));
    request.send(body);
  }

  function fail(job, detail) {
    uploadPanel.querySelector(".attach-label").textContent = format(strings.tFailed, { name: job.name, detail });
    uploadPanel.classList.add("failed");
    current = null;
    // The error stays in view until the next upload or a click on "Cancel".
    if (queue.length) setTimeout(next, 2500);
  }

  uploadPanel.querySelector(".upload-cancel").addEventListener("click", () => {
    if (current && current.request && current.request.readyState !== XMLHttpRequest.DONE) {
      current.request.abort();
    }
    queue.length = 0;
    current = null;
    uploadPanel.hidden = true;
  });

  input.addEventListener("change", () => {
    for (const file of input.files) enqueue(file, "file");
    input.value = "";
  });

  // Drag and drop anywhere on the conversation.
  let depth = 0;
  const hasFiles = (event) => [...(event.dataTransfer?.types || [])].includes("Files");
  section.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth += 1;
    dropHint.hidden = false;
  });
  section.addEventListener("dragover", (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  section.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) dropHint.hidden = true;
  });
  section.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    dropHint.hidden = true;
    for (const file of event.dataTransfer.files) enqueue(file, "file");
  });

  // Pasting files (a copied file, a screenshot) into the message box sends them.
  form.elements.text?.addEventListener("paste", (event) => {
    const files = [...(event.clipboardData?.files || [])];
    if (!files.length) return;
    event.preventDefault();
    for (const file of files) enqueue(file, "file", file.name || "pasted");
  });

  // --- voice: record, see the time, cancel or send ---

  const voiceType = window.MediaRecorder && navigator.mediaDevices?.getUserMedia
    ? VOICE_TYPES.find((type) => MediaRecorder.isTypeSupported(type)) : undefined;
  if (voiceType) recordButton.hidden = false;
  const elapsedLabel = recordPanel.querySelector(".record-elapsed");
  let recording = null;

  recordButton.addEventListener("click", async () => {
    if (recording) return;
    let stream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    } catch {
      showNotice(strings.tNoMic);
      return;
    }
    const recorder = new MediaRecorder(stream, { mimeType: voiceType, audioBitsPerSecond: 32000 });
    const chunks = [];
    const started = performance.now();
    recording = { recorder, stream, chunks, send: false };
    recorder.addEventListener("dataavailable", (event) => {
      if (event.data.size) chunks.push(event.data);
    });
    recorder.addEventListener("stop", () => {
      const { send } = recording;
      stream.getTracks().forEach((track) => track.stop());
      clearInterval(recording.timer);
      recording = null;
      recordPanel.hidden = true;
      recordButton.disabled = false;
      if (!send || !chunks.length) return;
      const type = voiceType.split(";")[0];
      const extension = { "audio/webm": "webm", "audio/ogg": "ogg", "audio/mp4": "m4a" }[type] || "webm";
      const stamp = new Date().toISOString().slice(0, 19).replace(/[T:]/g, "-");
      enqueue(new Blob(chunks, { type }), "voice", `${strings.tVoiceName} ${stamp}.${extension}`);
    });
    recording.timer = setInterval(() => {
      const elapsed = performance.now() - started;
      elapsedLabel.textContent = clock(elapsed / 1000);
      if (elapsed >= VOICE_MAX_MS - 500) stopRecording(true); // the limit is 5 minutes: send what we have
    }, 250);
    elapsedLabel.textContent = "0:00";
    recordPanel.hidden = false;
    recordButton.disabled = true;
    recorder.start(1000);
  });

  function stopRecording(send) {
    if (!recording || recording.recorder.state === "inactive") return;
    recording.send = send;
    recording.recorder.stop();
  }
  recordPanel.querySelector(".record-cancel").addEventListener("click", () => stopRecording(false));
  recordPanel.querySelector(".record-send").addEventListener("click", () => stopRecording(true));

  function showNotice(text) {
    uploadPanel.querySelector(".attach-label").textContent = text;
    uploadPanel.querySelector("progress").value = 0;
    uploadPanel.classList.add("failed");
    uploadPanel.hidden = false;
  }

  // --- the small player of voice messages (the history's and those that arrive live) ---

  document.documentElement.classList.add("voice-players");
  const noteOf = (node) => node.closest(".voice-note");
  const durationOf = (note, audio) => {
    const known = Number(note.dataset.duration);
    return Number.isFinite(audio.duration) && audio.duration > 0 ? audio.duration : known;
  };
  function paint(note) {
    const audio = note.querySelector("audio");
    const total = durationOf(note, audio) || 0;
    const playing = !audio.paused && !audio.ended;
    const button = note.querySelector(".voice-play");
    button.firstElementChild.textContent = playing ? "❚❚" : "▶";
    button.setAttribute("aria-label", playing ? strings.tPause : strings.tPlay);
    note.classList.toggle("playing", playing);
    const position = note.querySelector(".voice-position");
    position.hidden = !(playing || audio.currentTime > 0);
    position.textContent = `${clock(audio.currentTime)} / `;
    const share = total ? Math.min(1, audio.currentTime / total) : 0;
    note.querySelector(".voice-played").style.width = `${(share * 100).toFixed(1)}%`;
  }
  document.addEventListener("click", (event) => {
    const button = event.target.closest(".voice-play");
    const track = event.target.closest(".voice-track");
    if (!button && !track) return;
    const note = noteOf(event.target);
    const audio = note.querySelector("audio");
    if (track) {
      // Seeking asks the server for a byte range (206).
      const box = track.getBoundingClientRect();
      const total = durationOf(note, audio);
      if (total) audio.currentTime = Math.max(0, Math.min(1, (event.clientX - box.left) / box.width)) * total;
      paint(note);
      return;
    }
    for (const other of document.querySelectorAll(".voice-note audio")) {
      if (other !== audio && !other.paused) other.pause();
    }
    if (audio.paused) audio.play().catch(() => {});
    else audio.pause();
  });
  for (const type of ["play", "pause", "ended", "timeupdate", "loadedmetadata"]) {
    // Media events do not bubble: listen in the capture phase, for players added later too.
    document.addEventListener(type, (event) => {
      if (event.target.matches?.(".voice-note audio")) paint(noteOf(event.target));
    }, true);
  }
}
