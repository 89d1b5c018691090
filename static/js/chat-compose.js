// The conversation page's send form: a preview of the chosen photo.
// Everything here is optional: the form posts the same fields without JavaScript.

const form = document.getElementById("send-form");
const input = document.getElementById("send-image");
const preview = document.getElementById("image-preview");

if (form && input && preview) {
  let previewUrl = null;
  input.addEventListener("change", () => {
    if (previewUrl) URL.revokeObjectURL(previewUrl);
    const file = input.files && input.files[0];
    previewUrl = file ? URL.createObjectURL(file) : null;
    preview.hidden = !previewUrl;
    if (previewUrl) preview.src = previewUrl;
    else preview.removeAttribute("src");
    form.elements.kind.value = file ? "image" : "text";
  });
}
