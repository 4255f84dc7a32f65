"use strict";
// Issue 19, WP1: the public "Nghe lại" settings page (PAGES.nghelai): what is public, the addresses to say aloud.
// The addresses come from the server (--listen-url): the console's own address may not be the one residents reach.
words({
  navNghelai: "Nghe lại công khai", nlTitle: "Nghe lại công khai", nlIntro: "Ai cũng nghe lại được các buổi phát và "
    + "cảnh báo ở các địa chỉ này, không cần đăng nhập. Đọc to trên loa, in dán ở nhà văn hoá, gửi vào nhóm Zalo.",
  nlCommune: "Trang của xã", nlVillage: "Thôn", nlPage: "Trang nghe lại", nlFeed: "Podcast", nlListens: "Lượt nghe hôm nay",
  nlFeeds: "Lượt lấy feed hôm nay", nlPrint: "In trang này", nlCategories: "Thể loại công khai",
  nlCatHelp: "Cảnh báo luôn công khai. Danh sách bình xét hộ nghèo, ghi âm tiếp sóng và nói trực tiếp mặc định không "
    + "công khai. Thay đổi có hiệu lực trong vòng một phút.",
  nlSave: "Lưu thể loại", nlPublic: "công khai", nlHidden: "không công khai", nlCounts: "Đếm lượt, không biết ai nghe: "
    + "một điện thoại nghe một mục nhiều lần trong ngày chỉ tính một lượt."
}, {
  navNghelai: "Public listening", nlTitle: "Public listening (Nghe lại)", nlIntro: "Anyone can hear the sessions and "
    + "alerts again at these addresses, without logging in. Say them on the loudspeakers, print them for the "
    + "village hall, post them in the Zalo group.",
  nlCommune: "The commune's page", nlVillage: "Village", nlPage: "Listening page", nlFeed: "Podcast", nlListens: "Listens today",
  nlFeeds: "Feed fetches today", nlPrint: "Print this page", nlCategories: "Public categories",
  nlCatHelp: "Alerts are always public. Poor-household review lists, relay recordings and live talks are not public by "
    + "default. A change shows within a minute.",
  nlSave: "Save categories", nlPublic: "public", nlHidden: "not public", nlCounts: "Counts, never people: one phone "
    + "hearing an item several times a day counts once."
});

PAGES.nghelai = {
  roles: ["OPERATOR", "ADMIN"], menu: "navNghelai",
  async render() {
    const [today, cats] = await Promise.all([api("GET", "/api/listen/today"), api("GET", "/api/listen/categories")]);
    const admin = App.user.role === "ADMIN";
    const boxes = cats.categories.map(c => el("input", { type: "checkbox", id: "nl-cat-" + c.category,
      "data-category": c.category, checked: c.public, disabled: !admin }));
    const error = el("p", { class: "error", role: "alert" });
    const save = admin && el("button", { type: "button", id: "nl-save", onclick: async () => {
      error.textContent = "";
      const categories = {};
      boxes.forEach(b => { categories[b.dataset.category] = b.checked; });
      try {
        await working(save, t("nlSave"), api("PUT", "/api/listen/categories", { categories }));
        toast(t("saved"));
      } catch (e) {
        error.textContent = t("failed") + ": " + e.message;
      }
    } }, t("nlSave"));
    show(el("h1", {}, t("nlTitle")), el("p", {}, t("nlIntro")),
      el("p", { class: "nl-label" }, t("nlCommune")),
      el("p", { class: "nl-address", id: "nl-commune" }, today.commune),
      el("button", { type: "button", class: "secondary nl-noprint", onclick: () => window.print() }, t("nlPrint")),
      el("table", { id: "nl-villages" }, el("thead", {}, el("tr", {}, el("th", {}, t("nlVillage")),
        el("th", {}, t("nlPage")), el("th", {}, t("nlListens")), el("th", {}, t("nlFeeds")))),
        el("tbody", {}, today.villages.map(v => el("tr", {}, el("td", {}, v.name),
          el("td", {}, el("span", { class: "nl-address" }, v.page), el("br"),
            el("small", {}, t("nlFeed") + ": " + v.feed)),
          el("td", { class: "nl-count" }, String(v.listens)), el("td", { class: "nl-count" }, String(v.feedDownloads)))))),
      el("p", { class: "muted" }, t("nlCounts")),
      el("h2", { class: "nl-noprint" }, t("nlCategories")),
      el("p", { class: "muted nl-noprint" }, t("nlCatHelp")),
      // The checkbox inside its label: the label is what a finger presses (44 px, console.css).
      el("ul", { class: "nl-categories nl-noprint" }, cats.categories.map((c, i) => el("li", {}, el("label", {},
        boxes[i], categoryName(c.category), " ", el("small", { class: "muted" }, c.public ? t("nlPublic") : t("nlHidden")))))),
      save, error);
  }
};
