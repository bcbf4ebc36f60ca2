// The employer field's suggestions: members of the directory matching what the person types (name or
// registration number), fetched from the list named by the datalist's data-source. Without JavaScript the field
// is a plain text field: a member's exact name or number still links, anything else is kept as written.
(() => {
  const list = document.getElementById("employer-choices");
  if (!list || !list.dataset.source) return;
  let timer = null;
  let asked = "";
  const fill = async (text) => {
    if (text.length < 2 || text === asked) return;
    asked = text;
    const response = await fetch(`${list.dataset.source}?q=${encodeURIComponent(text)}`,
                                 { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const data = await response.json();
    list.replaceChildren(...data.members.map((member) => {
      const option = document.createElement("option");
      option.value = member.value;
      return option;
    }));
  };
  document.querySelectorAll('input[list="employer-choices"]').forEach((input) => {
    input.addEventListener("input", () => {
      clearTimeout(timer);
      timer = setTimeout(() => fill(input.value.trim()), 250);
    });
  });
})();
