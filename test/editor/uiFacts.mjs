// What the UI shows, read from the workbench's DOM in headless Chromium (playwright-core page) by the
// editor test harness (test/editor/run.mjs): next to each screenshot a test asks for, run.mjs writes
// these facts as <name>.json, and the suite's tests assert on them (test/editor/suite/ui.ts, UiFacts).
//   uiFacts(page)                             status bar items, activity bar, tree rows, notifications, output
//                                             lines, quick pick, dialog, editor tabs, welcome view, Restricted Mode
//   statusBarTooltips(page, facts, match)     hovers the matching status bar items and adds their tooltip text

export function uiFacts(page) {
  return page.evaluate(() => {
    const txt = (el) => (el?.textContent || '').replace(/\u00a0/g, ' ').trim();
    const visible = (el) => !!el && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    const all = (sel, base = document) => [...base.querySelectorAll(sel)];
    const statusBarItems = all('.part.statusbar .statusbar-item')
      .filter(visible)
      .map((e) => ({
        id: e.id || '',
        text: txt(e.querySelector('.statusbar-item-label') || e),
        icons: all('.codicon', e).flatMap((i) => [...i.classList].filter((c) => c.startsWith('codicon-')).map((c) => c.slice(8))),
        ariaLabel: e.getAttribute('aria-label') || '',
        side: e.classList.contains('right') ? 'right' : 'left',
        tooltip: undefined,
      }));
    const treeRowsDetailed = all('.part.sidebar .monaco-list-row, .part.panel .monaco-list-row, .part.auxiliarybar .monaco-list-row')
      .filter(visible)
      .map((e) => ({
        view: txt(e.closest('.pane')?.querySelector('.pane-header .title')) || txt(e.closest('.part')?.querySelector('.title-label')),
        label: txt(e.querySelector('.label-name') || e),
        description: txt(e.querySelector('.label-description')),
        ariaLabel: e.getAttribute('aria-label') || '',
        level: Number(e.getAttribute('aria-level') || 0),
        expanded: e.hasAttribute('aria-expanded') ? e.getAttribute('aria-expanded') === 'true' : undefined,
        selected: e.classList.contains('selected') || e.getAttribute('aria-selected') === 'true',
      }));
    const notificationsDetailed = all('.notification-toast-container .notification-list-item, .notifications-center .notification-list-item')
      .filter(visible)
      .map((e) => ({
        message: txt(e.querySelector('.notification-list-item-message')),
        source: txt(e.querySelector('.notification-list-item-source')),
        buttons: all('.monaco-button', e).map(txt).filter(Boolean),
        severity: ['error', 'warning', 'info'].find((s) => e.querySelector(`.codicon-${s}, .codicon-notifications-${s}`)) || '',
      }));
    // Monaco renders only the visible lines, absolutely positioned: order them by their top.
    const outputEditor = all(
      '.part.panel .output .monaco-editor, .part.panel .output-view .monaco-editor, .part.panel [id="workbench.panel.output"] .monaco-editor',
    ).find(visible);
    const outputLines = outputEditor
      ? all('.view-lines .view-line', outputEditor)
          .map((l) => [parseFloat(l.style.top) || 0, (l.textContent || '').replace(/\u00a0/g, ' ')])
          .sort((a, b) => a[0] - b[0])
          .map((x) => x[1])
      : [];
    const dialog = document.querySelector('.monaco-dialog-box');
    return {
      statusBar: statusBarItems.map((s) => s.ariaLabel || s.text).filter(Boolean), // reference-compatible
      statusBarItems,
      activityBar: all(
        '.part.activitybar .action-item a, .part.activitybar .action-item .action-label, .pane-composite-part .composite-bar .action-item .action-label',
      )
        .map((e) => e.getAttribute('aria-label'))
        .filter(Boolean),
      sidebarTitle: txt(document.querySelector('.part.sidebar .title-label')).slice(0, 100),
      panelTitle: visible(document.querySelector('.part.panel'))
        ? txt(document.querySelector('.part.panel .composite-bar .action-item.checked .action-label'))
        : '',
      treeRows: treeRowsDetailed.map((r) => r.label),
      treeRowsDetailed,
      notifications: notificationsDetailed.map((n) => n.message),
      notificationsDetailed,
      outputLines,
      outputChannel: outputEditor
        ? (() => {
            const sel = document.querySelector('.part.panel .monaco-select-box');
            return sel && sel.selectedIndex >= 0 ? sel.options[sel.selectedIndex]?.text || '' : '';
          })()
        : '',
      quickPick: visible(document.querySelector('.quick-input-widget'))
        ? (() => {
            const rows = all('.quick-input-widget .monaco-list-row')
              .filter(visible)
              .map((r) => ({
                label: txt(r.querySelector('.label-name') || r),
                description: txt(r.querySelector('.label-description')),
                detail: txt(r.querySelector('.quick-input-list-label-meta .label-name, .quick-input-list-detail')),
                separator: txt(r.querySelector('.quick-input-list-separator')),
              }));
            return {
              title: txt(document.querySelector('.quick-input-widget .quick-input-title')),
              placeholder: document.querySelector('.quick-input-widget input')?.getAttribute('placeholder') || '',
              items: rows.map((r) => r.label),
              rows,
            };
          })()
        : undefined,
      dialog:
        dialog && visible(dialog)
          ? {
              message: txt(dialog.querySelector('.dialog-message-text')),
              detail: txt(dialog.querySelector('.dialog-message-detail')),
              buttons: all('.dialog-buttons .monaco-button', dialog).map(txt),
            }
          : undefined,
      editorTabs: all('.part.editor .tabs-container .tab').map((t) => t.getAttribute('aria-label') || txt(t)),
      // a view's welcome content (viewsWelcome): its text and buttons
      welcome: [...document.querySelectorAll('.welcome-view-content p, .welcome-view-content .monaco-button')].map(txt).filter(Boolean),
      restrictedMode:
        !!document.querySelector('.statusbar-item[id="status.workspaceTrust"]') || /Restricted Mode/.test(txt(document.querySelector('.part.statusbar'))),
      windowTitle: document.title,
    };
  });
}

// Hover status bar items and read their tooltips (VS Code renders hovers only on demand).
export async function statusBarTooltips(page, facts, match) {
  for (const item of facts.statusBarItems) {
    if (!item.id || !match(item)) continue;
    try {
      const el = page.locator(`.part.statusbar .statusbar-item[id="${item.id.replace(/"/g, '\\"')}"]`).first();
      await el.hover({ timeout: 2000 });
      const hover = page.locator('.workbench-hover, .monaco-hover:not(.hidden)').filter({ hasText: /\S/ }).last();
      await hover.waitFor({ state: 'visible', timeout: 2500 });
      item.tooltip = (await hover.innerText()).trim();
    } catch {
      item.tooltip = null; /* no tooltip (or it did not show in time) */
    }
    await page.mouse.move(700, 400);
    await page.keyboard.press('Escape').catch(() => {});
    await page.waitForTimeout(150);
  }
}
