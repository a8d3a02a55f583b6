// Small progressive touches for every page; the pages work without them.
(function () {
    "use strict";

    // Staff viewing an account read only: the server refuses every change, so say it on the buttons too.
    if (document.body.dataset.readOnly === "true") {
        document.querySelectorAll("main form[method='post' i] button, main form[method='post' i] input[type='submit']").forEach(function (button) {
            button.disabled = true;
        });
    }
})();
