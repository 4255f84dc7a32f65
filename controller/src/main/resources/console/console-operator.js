"use strict";
// The operator's pages: what was played where; the calendar and the playlist editor are in
// console-calendar.js, the audio library in console-upload.js (their words stay here, shared).
words({
  calTitle: "Lịch phát 7 ngày", calVillage: "Thôn", calCommune: "chương trình chung của xã",
  calOwn: "chương trình riêng", calItems: "bản tin", calEdit: "Sửa danh sách",
  calNoStation: "chưa có cụm loa", calNothing: "—", editTitle: "Danh sách phát", editAdd: "Thêm bản tin",
  editSave: "Lưu và gửi lịch", editTotal: "Tổng thời lượng", editLength: "Thời lượng buổi", editUp: "Lên",
  editDown: "Xuống", editRemove: "Bỏ", editTooLong: "Danh sách dài hơn buổi phát.", editHolding: "Cụm loa đã nhận lịch mới",
  editBehind: "chưa nhận", editHeld: "đã nhận", editReload: "Tải lại chương trình mới nhất", libTitle: "Thư viện âm thanh", libUpload: "Tải lên bản tin",
  libFile: "Tệp MP3 hoặc WAV", libName: "Tiêu đề", libCategory: "Nhóm", libExpires: "Hạn dùng (không bắt buộc)",
  libSend: "Tải lên", libListen: "Nghe", libDuration: "Thời lượng", libUploaded: "Đã tải lên", libStorage: "Dung lượng thư viện",
  repTitle: "Báo cáo 7 ngày qua", repDate: "Ngày", repSession: "Buổi", repReached: "Đã phát tới thôn",
  repItems: "Bản tin đã phát", repStations: "Cụm loa phát đủ", yes: "có", no: "không", back: "Quay lại"
}, {
  calTitle: "The next 7 days", calVillage: "Village", calCommune: "the commune's program",
  calOwn: "its own program", calItems: "item(s)", calEdit: "Edit playlist",
  calNoStation: "no station yet", calNothing: "—", editTitle: "Playlist", editAdd: "Add an item",
  editSave: "Save and send the schedule", editTotal: "Total length", editLength: "Session length", editUp: "Up",
  editDown: "Down", editRemove: "Remove", editTooLong: "The playlist is longer than the session.",
  editHolding: "Stations holding the new schedule", editBehind: "not yet", editHeld: "holds it",
  editReload: "Load the latest program",
  libTitle: "Audio library", libUpload: "Upload an item", libFile: "MP3 or WAV file", libName: "Title",
  libCategory: "Category", libExpires: "Expires (optional)", libSend: "Upload", libListen: "Listen",
  libDuration: "Length", libUploaded: "Uploaded", libStorage: "Library space", repTitle: "The last 7 days", repDate: "Date",
  repSession: "Session", repReached: "Reached the village", repItems: "Items played", repStations: "Stations complete",
  yes: "yes", no: "no", back: "Back"
});

/** A library item's length in milliseconds. */
function lengthMs(item) {
  return item.durationMs || 0;
}

function dayKey(iso) {
  const zone = (App.commune && App.commune.timeZone) || "Asia/Ho_Chi_Minh";
  return new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(new Date(iso));
}
