/**
 * The page nginx answers 500 to 504 with. Self-contained (no external assets), small,
 * and honest: it says the service is unavailable and to retry, nothing about internals.
 */
export const DEFAULT_ERROR_PAGE = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Service temporarily unavailable</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;color:#222}</style>
</head>
<body>
<h1>Service temporarily unavailable</h1>
<p>The application behind this page is not answering right now. Please try again in a moment.</p>
</body>
</html>
`;
