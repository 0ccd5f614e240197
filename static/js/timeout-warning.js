// The GOV.UK timeout-warning pattern (WCAG 2.2 success criterion 2.2.1, timing adjustable).
//
// A signed-in page carries <dialog id="timeout-warning"> with the seconds its session has left. A
// little before they run out, this asks the server how long is really left (another tab may have kept
// the session going), then opens the dialog as a modal with a countdown. "Stay signed in" (or Escape)
// tells the server, which starts the idle clock again. When the time is up the page is loaded again:
// the server, which enforces the limits itself, has ended the session and shows the sign-in page with
// a message saying why, returning to this page after signing in.

const ONE_SECOND = 1000

function inWords (seconds) {
  if (seconds >= 60) {
    const minutes = Math.ceil(seconds / 60)
    return minutes === 1 ? '1 minute' : `${minutes} minutes`
  }
  return seconds === 1 ? '1 second' : `${seconds} seconds`
}

class TimeoutWarning {
  constructor (dialog) {
    this.dialog = dialog
    this.statusUrl = dialog.dataset.statusUrl
    this.extendUrl = dialog.dataset.extendUrl
    this.warningSeconds = Number(dialog.dataset.warningSeconds)
    this.countdown = dialog.querySelector('[data-timeout-countdown]')
    this.limitText = dialog.querySelector('[data-timeout-limit]')
    this.stayButton = dialog.querySelector('[data-timeout-stay]')
    this.csrfToken = dialog.querySelector('input[name="csrfmiddlewaretoken"]').value
    this.stayButton.addEventListener('click', () => this.stay())
    // Escape means "stay signed in", as in the GOV.UK pattern, rather than closing without telling.
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault()
      if (!this.stayButton.hidden) this.stay()
    })
  }

  start () {
    this.schedule(Number(this.dialog.dataset.secondsLeft))
  }

  schedule (secondsLeft) {
    clearTimeout(this.timer)
    clearInterval(this.ticker)
    const wait = Math.max(0, secondsLeft - this.warningSeconds)
    this.timer = setTimeout(() => this.check(), wait * ONE_SECOND)
  }

  async status (options = {}) {
    try {
      const response = await fetch(options.url || this.statusUrl, {
        method: options.method || 'GET',
        credentials: 'same-origin',
        headers: { Accept: 'application/json', 'X-CSRFToken': this.csrfToken },
        redirect: 'manual'
      })
      if (!response.ok) return null
      return await response.json()
    } catch {
      return null
    }
  }

  async check () {
    const status = await this.status()
    if (status === null || status.seconds_left <= 0) return this.expire()
    if (status.seconds_left > this.warningSeconds + 1) return this.schedule(status.seconds_left)
    this.open(status)
  }

  open (status) {
    this.deadline = Date.now() + status.seconds_left * ONE_SECOND
    this.stayButton.hidden = !status.can_extend
    this.limitText.hidden = status.can_extend
    this.tick()
    if (!this.dialog.open) this.dialog.showModal()
    clearInterval(this.ticker)
    this.ticker = setInterval(() => this.tick(), ONE_SECOND)
  }

  tick () {
    const left = Math.max(0, Math.ceil((this.deadline - Date.now()) / ONE_SECOND))
    this.countdown.textContent = inWords(left)
    if (left <= 0) {
      clearInterval(this.ticker)
      // Ask once more: another tab may have kept the session going.
      this.check()
    }
  }

  async stay () {
    const status = await this.status({ url: this.extendUrl, method: 'POST' })
    if (status === null) return this.expire()
    clearInterval(this.ticker)
    this.dialog.close()
    this.schedule(status.seconds_left)
  }

  expire () {
    clearTimeout(this.timer)
    clearInterval(this.ticker)
    // A plain GET of this page: the server signs out an ended session and says why.
    window.location.assign(window.location.href)
  }
}

const dialog = document.getElementById('timeout-warning')
if (dialog && typeof dialog.showModal === 'function') {
  new TimeoutWarning(dialog).start()
}
