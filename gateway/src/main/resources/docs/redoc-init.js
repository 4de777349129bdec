// The services listed for Swagger UI (/v3/api-docs/swagger-config) are the ones Redoc offers.
(async () => {
  const select = document.getElementById("service");
  const config = await (await fetch("/v3/api-docs/swagger-config")).json();
  for (const { name, url } of config.urls || []) {
    select.add(new Option(name, url));
  }
  const show = () => Redoc.init(select.value, { hideDownloadButton: false }, document.getElementById("reference"));
  select.addEventListener("change", show);
  if (select.value) show();
})();
