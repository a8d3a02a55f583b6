// Small progressive touches for every page; the pages work without them.
(function () {
    "use strict";

    // Staff viewing an account read only: the server refuses every change, so say it on the buttons too.
    if (document.body.dataset.readOnly === "true") {
        document.querySelectorAll("main form[method='post' i] button, main form[method='post' i] input[type='submit']").forEach(function (button) {
            button.disabled = true;
        });
    }

    // The header collapses to one line once the top of the page has scrolled away (the CSS does it on phones only).
    var sentinel = document.querySelector(".topbar-sentinel");
    var header = document.querySelector("header.topbar");
    if (sentinel && header && "IntersectionObserver" in window) {
        new IntersectionObserver(function (entries) {
            header.classList.toggle("topbar-collapsed", !entries[0].isIntersecting);
        }).observe(sentinel);
    }
})();
